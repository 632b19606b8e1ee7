/**
 * What kubectl does with a decoded document before it sends anything (k8s.io/cli-runtime v0.36.1
 * with k8s.io/apimachinery v0.36.1), so that zeroport judges exactly the objects kubectl would
 * send and refuses what kubectl refuses:
 * - unstructuredJSONScheme.decode (unstructured/helpers.go): a document with `items` is a list;
 *   its items must be an array (or null) of objects, and an item with neither kind nor
 *   apiVersion takes the list's (kind without its `List` suffix);
 * - unstructuredJSONScheme.Decode: the document's kind must be a non-empty string, and its
 *   apiVersion must parse as a group and version (or the kind is read as empty);
 * - metadataValidatingDecoder (resource/metadata_decoder.go): the document must decode into
 *   TypeMeta and ObjectMeta, case-sensitively (apiVersion and kind strings, metadata an object
 *   whose fields have ObjectMeta's types, timestamps in RFC 3339);
 * - FlattenListVisitor and the unstructured typer (resource/visitor.go, unstructuredscheme):
 *   every item of a list must have a kind and an apiVersion with a version.
 */
import { readStream, StreamError } from "./kube-stream";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function refuse(message: string): never {
  throw new StreamError(message, 1);
}

/** The objects kubectl sends for one decoded document; throws StreamError where kubectl errs. */
export function kubectlObjects(value: unknown): Json[] {
  if (!isObject(value))
    refuse(`a document must be an object, not ${Array.isArray(value) ? "an array" : typeof value}`);
  const items = "items" in value ? listItems(value) : undefined;
  // Unstructured.GroupVersionKind is empty, kind too, when the apiVersion does not parse.
  if (
    typeof value.kind !== "string" ||
    value.kind === "" ||
    !parseGroupVersion(apiVersionOf(value))
  )
    refuse("Object 'Kind' is missing");
  const problem = metadataProblem(value);
  if (problem) refuse(problem);
  if (!items) return [value];
  for (const item of items) {
    if (Array.isArray(item.items)) refuse("a list inside a list's items: kubectl cannot read it");
    if (typeof item.kind !== "string" || item.kind === "")
      refuse("an item of a list has no kind field");
    if (!parseGroupVersion(apiVersionOf(item))?.version)
      refuse("an item of a list has no apiVersion field");
  }
  return items;
}

/** Every object kubectl would send for a file's text (its documents, lists flattened). */
export function readObjects(text: string): Json[] {
  return readStream(text).flatMap((d) => kubectlObjects(d.value));
}

/** unstructuredJSONScheme.decodeToList. */
function listItems(list: Json): Json[] {
  const items = list.items;
  if (items === null) return [];
  if (!Array.isArray(items)) refuse("items of a list must be an array");
  return items.map((entry: unknown) => {
    // A null item decodes to an empty object (json.Unmarshal of null into a map), then takes the
    // list's kind and apiVersion.
    const item = entry === null ? {} : entry;
    if (!isObject(item)) refuse("items member is not an object");
    if (!item.kind && !item.apiVersion && typeof list.kind === "string") {
      const apiVersion = typeof list.apiVersion === "string" ? list.apiVersion : "";
      return { ...item, kind: list.kind.replace(/List$/, ""), apiVersion };
    }
    return item;
  });
}

/** schema.ParseGroupVersion: "", "/", "v1", "group/v1" parse (the version may be empty); more than one slash does not. */
function parseGroupVersion(apiVersion: string): { version: string } | undefined {
  if (apiVersion === "" || apiVersion === "/") return { version: "" };
  const parts = apiVersion.split("/");
  if (parts.length > 2) return undefined;
  return { version: parts[parts.length - 1] ?? "" };
}

/** What GetAPIVersion reads: the field when it is a string, else "". */
const apiVersionOf = (o: Json) => (typeof o.apiVersion === "string" ? o.apiVersion : "");

type Check = (v: unknown) => boolean;

const nullOr =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);
const string = nullOr((v) => typeof v === "string");
const bool = nullOr((v) => typeof v === "boolean");
// A JavaScript number cannot tell 2^63 - 1 (kubectl takes it) from 2^63 (kubectl refuses it): both
// read as 2^63 and are taken.
const int64 = nullOr((v) => typeof v === "number" && Number.isInteger(v) && Math.abs(v) <= 2 ** 63);
const time = nullOr((v) => typeof v === "string" && isRfc3339(v));
const anything: Check = () => true;
const mapOf = (check: Check): Check => nullOr((v) => isObject(v) && Object.values(v).every(check));
const listOf = (check: Check): Check => nullOr((v) => Array.isArray(v) && v.every(check));
const struct = (fields: Record<string, Check>): Check =>
  nullOr((v) => isObject(v) && Object.entries(fields).every(([k, c]) => !(k in v) || c(v[k])));

const OBJECT_META: Record<string, Check> = {
  name: string,
  generateName: string,
  namespace: string,
  selfLink: string,
  uid: string,
  resourceVersion: string,
  generation: int64,
  creationTimestamp: time,
  deletionTimestamp: time,
  deletionGracePeriodSeconds: int64,
  labels: mapOf(string),
  annotations: mapOf(string),
  ownerReferences: listOf(
    struct({
      apiVersion: string,
      kind: string,
      name: string,
      uid: string,
      controller: bool,
      blockOwnerDeletion: bool,
    }),
  ),
  finalizers: listOf(string),
  managedFields: listOf(
    struct({
      manager: string,
      operation: string,
      apiVersion: string,
      time,
      fieldsType: string,
      fieldsV1: anything,
      subresource: string,
    }),
  ),
};

/** metadataValidatingDecoder: the field that does not decode into TypeMeta or ObjectMeta. */
function metadataProblem(doc: Json): string | undefined {
  for (const field of ["apiVersion", "kind"])
    if (field in doc && !string(doc[field])) return `${field} must be a string`;
  if (!("metadata" in doc)) return undefined;
  const metadata = doc.metadata;
  if (!nullOr(isObject)(metadata)) return "metadata must be an object";
  if (metadata === null) return undefined;
  for (const [field, check] of Object.entries(OBJECT_META))
    if (field in (metadata as Json) && !check((metadata as Json)[field]))
      return `metadata.${field} does not decode into ObjectMeta`;
  return undefined;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Go's time.Parse(time.RFC3339, s): its fast path, then the general layout's leniencies. */
export function isRfc3339(s: string): boolean {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})([.,]\d+)?(Z|[+-](\d{2}):(\d{2}))$/.exec(s);
  if (!m) return false;
  const [year = 0, month = 0, day = 0, hour = 0, min = 0, sec = 0] = m.slice(1, 7).map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : (DAYS[month - 1] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > days) return false;
  if (hour > 23 || min > 59 || sec > 59) return false;
  // The general layout takes zone offsets up to 24:60 ("some people do write offsets of 24 hours").
  return m[8] === "Z" || (Number(m[9]) <= 24 && Number(m[10]) <= 60);
}
