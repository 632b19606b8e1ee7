export * from "./identity";
export * from "./images";
export * from "./labels";
export * from "./namespace";
export * from "./schemas";
export * from "./secret-string";
export * from "./security";
export * from "./validation";
