import { PolicyPack } from "@pulumi/policy";
import { zeroportPack } from "./pack";

new PolicyPack("zeroport", zeroportPack());
