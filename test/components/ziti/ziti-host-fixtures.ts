// Shared by the ZitiHost tests: the standard labels of a host named "web", and how to render one.
import { ZitiHost, type ZitiHostArgs } from "../../../components/ziti/ziti-host";
import { render } from "../../helpers/mocks";

export const LABELS = {
  "app.kubernetes.io/component": "ziti-host",
  "app.kubernetes.io/instance": "web",
  "app.kubernetes.io/managed-by": "zeroport",
  "app.kubernetes.io/name": "ziti-host",
  "app.kubernetes.io/part-of": "zeroport",
};

export const host = (args: ZitiHostArgs) => render(() => new ZitiHost("web", args));
