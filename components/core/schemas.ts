import { z } from "zod";

export { DnsLabel, DnsSubdomain } from "../../base/names";

/** A key inside a Secret or ConfigMap. */
export const DataKey = z
  .string()
  .regex(/^[-._a-zA-Z0-9]+$/, "must consist of letters, digits, '-', '_' or '.'")
  .max(253, "must be at most 253 characters");

const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A map of Kubernetes labels, keys and values checked as the API server checks them. */
export const Labels = z.record(
  z.string().regex(QUALIFIED_NAME, "must be a qualified label key such as `example.com/team`"),
  z
    .string()
    .max(63, "must be at most 63 characters")
    .regex(LABEL_VALUE, "must be a valid label value"),
);

/** Annotations: qualified keys, any string values. */
export const Annotations = z.record(
  z.string().regex(QUALIFIED_NAME, "must be a qualified annotation key such as `example.com/note`"),
  z.string(),
);

/** A Kubernetes resource quantity such as `100m`, `64Mi` or `1.5`. */
export const Quantity = z
  .string()
  .regex(
    /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/,
    "must be a Kubernetes quantity such as `100m`, `64Mi` or `1Gi`",
  );

/** Container resource requests and limits. */
export const Resources = z
  .object({
    requests: z
      .object({ cpu: Quantity.optional(), memory: Quantity.optional() })
      .strict()
      .optional(),
    limits: z.object({ cpu: Quantity.optional(), memory: Quantity.optional() }).strict().optional(),
  })
  .strict();
export type Resources = z.output<typeof Resources>;

/** A port number a process may listen on or dial. */
export const Port = z
  .number()
  .int("must be a whole number")
  .min(1, "must be between 1 and 65535")
  .max(65535, "must be between 1 and 65535");
