import { isRfc3339, kubectlObjects, readObjects } from "../../reader/kube-objects";

const refused = (text: string) => () => readObjects(text);

describe("kubectl's checks after decoding", () => {
  test("a document is an object with a kind; its items take the list's kind and apiVersion", () => {
    expect(
      readObjects("apiVersion: v1\nkind: ServiceList\nitems:\n- metadata: {name: a}\n"),
    ).toEqual([{ apiVersion: "v1", kind: "Service", metadata: { name: "a" } }]);
    // A document without apiVersion is sent (unstructuredJSONScheme.Decode requires only a kind).
    expect(readObjects("kind: Service\nmetadata: {name: a}\n")).toEqual([
      { kind: "Service", metadata: { name: "a" } },
    ]);
    expect(readObjects("apiVersion: v1\nkind: List\nitems: null\n")).toEqual([]);
    expect(refused("- a\n- b\n")).toThrow("a document must be an object, not an array");
    expect(refused("apiVersion: v1\nkind: 5\n")).toThrow("Object 'Kind' is missing");
    // An apiVersion that does not parse (two slashes) empties the kind too; "/" parses.
    expect(refused("apiVersion: //\nkind: Service\n")).toThrow("Object 'Kind' is missing");
    expect(readObjects("apiVersion: /\nkind: Service\n")).toHaveLength(1);
  });

  test("a list needs a kind of its own, and each item a kind and an apiVersion with a version", () => {
    expect(
      refused('apiVersion: v1\n"{kind": List\nitems: [{apiVersion: v1, kind: Service}]\n'),
    ).toThrow("Object 'Kind' is missing");
    // Typed list items get the list's apiVersion only when they have neither field.
    expect(refused("apiVers\\on: v1\nkind: ServiceList\nitems:\n- metadata: {name: k}\n")).toThrow(
      "an item of a list has no apiVersion field",
    );
    expect(refused("apiVersion: v1\nkind: List\nitems:\n- {kind: Service}\n")).toThrow(
      "no apiVersion field",
    );
    for (const bad of ["apps/", "a/b/c", "''"])
      expect(
        refused(`apiVersion: v1\nkind: List\nitems:\n- {kind: Service, apiVersion: ${bad}}\n`),
      ).toThrow("no apiVersion field");
    expect(
      readObjects("apiVersion: v1\nkind: List\nitems:\n- {kind: Service, apiVersion: /v1}\n"),
    ).toHaveLength(1);
    expect(refused("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1}\n")).toThrow(
      "no kind field",
    );
    expect(refused("apiVersion: v1\nkind: List\nitems: {a: 1}\n")).toThrow("must be an array");
    expect(refused("apiVersion: v1\nkind: List\nitems: [1]\n")).toThrow("not an object");
  });

  test("TypeMeta and ObjectMeta decode with their Go types (metadataValidatingDecoder)", () => {
    expect(refused("apiVersion: 1\nkind: Service\n")).toThrow("apiVersion must be a string");
    expect(refused("apiVersion: v1\nkind: Service\nmetadata:\r  name:#storm-worker\n")).toThrow(
      "metadata must be an object",
    );
    for (const field of [
      "name: 5",
      "labels: {a: 1}",
      "annotations: [a]",
      "generation: 1.5",
      "creationTimestamp: 2024-01-01",
      "ownerReferences: [{controller: yes-ish}]",
      "finalizers: [1]",
      "managedFields: [{time: now}]",
    ])
      expect(refused(`apiVersion: v1\nkind: Service\nmetadata: {${field}}\n`)).toThrow(
        "does not decode into ObjectMeta",
      );
    const ok = kubectlObjects({
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: null,
        labels: { a: null },
        generation: 3,
        creationTimestamp: null,
        deletionTimestamp: "2024-02-29T1:02:03.5+01:00",
        ownerReferences: [null, { controller: true, uid: "u" }],
        managedFields: [{ fieldsV1: { "f:a": {} }, time: "2024-01-01T00:00:00Z" }],
        unknownField: 7,
      },
      Metadata: "case matters: not ObjectMeta",
    });
    expect(ok).toHaveLength(1);
    // The items of a list are not decoded into ObjectMeta again.
    expect(
      readObjects("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: A, metadata: 1}\n"),
    ).toHaveLength(1);
  });

  test("RFC 3339 as Go's time.Parse takes it", () => {
    for (const s of [
      "2024-01-01T00:00:00Z",
      "2024-12-31T23:59:59.999-07:00",
      "2024-02-29T9:00:00,5Z",
    ])
      expect(isRfc3339(s)).toBe(true);
    for (const s of [
      "2023-02-29T00:00:00Z",
      "2024-01-01t00:00:00Z",
      "2024-01-01T24:00:00Z",
      "2024-01-01T00:00:00+25:00",
      "2024-01-01T00:00:00",
      "2024-01-01",
    ])
      expect(isRfc3339(s)).toBe(false);
  });
});
