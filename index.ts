// The Pulumi program: `pulumi up` deploys the blueprint named by the `zeroport:blueprint` config.
import { runFromStackConfig } from "./stacks";

runFromStackConfig();
