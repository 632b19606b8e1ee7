/**
 * Kubernetes object names as the API server checks them: the base that components (their args)
 * and policy (its config and grants) both build on, so policy needs nothing from components.
 */
import { z } from "zod";

/** RFC 1123 label: what Kubernetes allows for namespaces, Services and most workload names. */
export const DnsLabel = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
  )
  .max(63, "must be at most 63 characters");

/** RFC 1123 subdomain: what Kubernetes allows for Secret and ConfigMap names. */
export const DnsSubdomain = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    "must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.'",
  )
  .max(253, "must be at most 253 characters");
