export * as core from "./core";
export { ZeroportInputError } from "./core/validation";
export * from "./ziti-host";
