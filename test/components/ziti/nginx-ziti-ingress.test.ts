import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  NginxZitiIngress,
  NginxZitiIngressArgsSchema,
  renderNginxConf,
  threadCount,
  type NginxZitiIngressArgs,
} from "../../../components/ziti/nginx-ziti-ingress";
import type { ZeroportInputError } from "../../../components/core/validation";
import { identityJson, jwt } from "../../helpers/fixtures";
import { plainOccurrences, podSpecOf, render } from "../../helpers/mocks";
import { allSchemaProblems } from "../../helpers/schema";

const base = {
  identity: { json: identityJson() },
  image: "registry.example.com/nginx-ziti:1.23.3-1",
};
const parse = (extra: Partial<NginxZitiIngressArgs>) =>
  NginxZitiIngressArgsSchema.parse({
    ...base,
    binds: [{ service: "k8s-api", upstream: "kubernetes.default.svc:443" }],
    ...extra,
  });

describe("nginx.conf", () => {
  test("one bind", () => {
    expect(renderNginxConf(parse({}))).toBe(
      [
        "# Rendered by zeroport. nginx binds Ziti services and listens on no port.",
        "worker_processes 1;",
        "pid /tmp/nginx.pid;",
        "error_log stderr notice;",
        "error_log /tmp/nginx-error.log notice;",
        "load_module /usr/lib/nginx/modules/ngx_ziti_module.so;",
        "thread_pool ngx_ziti_tp threads=65 max_queue=65536;",
        "",
        "events {",
        "    worker_connections 1024;",
        "}",
        "",
        "ziti zeroport {",
        "    identity_file /var/run/secrets/openziti.io/identity.json;",
        "",
        "    bind k8s-api {",
        "        upstream kubernetes.default.svc:443;",
        "    }",
        "}",
        "",
      ].join("\n"),
    );
  });

  test("several binds size the thread pool: one per bind for good, one per connection", () => {
    const a = parse({
      binds: [
        { service: "orders", upstream: "orders.shop.svc:8080" },
        { service: "payments api", upstream: "10.0.12.5:9443" },
        { service: "db", upstream: "postgres.data.svc:5432" },
      ],
      expectedConnections: 200,
      blockName: "shop",
      modulePath: "/opt/nginx/modules/ngx_ziti_module.so",
    });
    expect(threadCount(a)).toBe(203);
    const conf = renderNginxConf(a);
    expect(conf).toContain(
      "load_module /opt/nginx/modules/ngx_ziti_module.so;\nthread_pool ngx_ziti_tp threads=203 max_queue=65536;",
    );
    expect(conf.slice(conf.indexOf("ziti shop {"))).toBe(
      [
        "ziti shop {",
        "    identity_file /var/run/secrets/openziti.io/identity.json;",
        "",
        "    bind orders {",
        "        upstream orders.shop.svc:8080;",
        "    }",
        "",
        "    bind payments api {",
        "        upstream 10.0.12.5:9443;",
        "    }",
        "",
        "    bind db {",
        "        upstream postgres.data.svc:5432;",
        "    }",
        "}",
        "",
      ].join("\n"),
    );
    expect(conf).not.toMatch(/^\s*(stream|http)\s*\{|^\s*listen\s/m);
  });
});

describe("NginxZitiIngress", () => {
  test("no Service, no port, the identity read-only from a Secret, restricted", async () => {
    const doc = identityJson();
    const r = await render(
      () =>
        new NginxZitiIngress("ng", {
          ...base,
          identity: { json: doc },
          binds: [{ service: "web", upstream: "web.shop.svc:80" }],
        }),
    );
    expect(r.manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      "Secret/ng-identity",
      "ConfigMap/ng-config",
      "Deployment/ng",
    ]);
    const pod = podSpecOf(r.one("Deployment"));
    const [container] = pod.containers as Record<string, unknown>[];
    expect(container?.ports).toBeUndefined();
    expect(container?.volumeMounts).toContainEqual({
      name: "identity",
      mountPath: "/var/run/secrets/openziti.io",
      readOnly: true,
    });
    expect(container?.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 101,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(plainOccurrences(r.resources, "SECRETKEYMATERIAL")).toEqual([]);
    expect(allSchemaProblems(r.manifests)).toEqual([]);
  });

  test("the pod is unready, and restarted, while a Ziti service failed to bind", async () => {
    const r = await render(
      () =>
        new NginxZitiIngress("ng", {
          ...base,
          identity: { json: identityJson() },
          binds: [{ service: "web", upstream: "web.shop.svc:80" }],
        }),
    );
    const [container] = podSpecOf(r.one("Deployment")).containers as {
      command: string[];
      readinessProbe: { exec: { command: string[] } };
      livenessProbe: { exec: { command: string[] } };
    }[];
    expect(container?.command[2]).toMatch(/^rm -f \/tmp\/nginx-error\.log && exec nginx /);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nginx-"));
    const log = path.join(dir, "nginx-error.log");
    const ready = (lines: string[]) => {
      fs.writeFileSync(log, lines.join("\n"));
      const cmd = container.readinessProbe.exec.command.map((c) =>
        c.replace("/tmp/nginx-error.log", log),
      );
      return spawnSync(cmd[0], cmd.slice(1)).status === 0;
    };
    // Every exit line of the module (ngx_ziti_module@d23b560f, format strings filled in).
    expect(ready(["2026/11/30 10:00:00 [notice] 1#1: start worker processes"])).toBe(true);
    const exits = {
      324: "for block zeroport service web could not open server socket (-1), service thread exiting",
      331: "for block zeroport service web could not bind server socket (-22), service thread exiting",
      338: "for block zeroport service web could not listen on server socket (-5), service thread exiting",
      346: "for block zeroport service web error returned from accept, exiting",
      451: "for block zeroport could not load identity file identity.json (resolved to /var/run/secrets/openziti.io/identity.json)",
    };
    for (const [line, message] of Object.entries(exits))
      expect([line, ready([`2026/11/30 10:00:01 [emerg] 7#7: ${message}`])]).toEqual([line, false]);
    // A client thread that could not start is not an exit (:354, :369 continue serving).
    expect(
      ready([
        "2026/11/30 10:00:01 [emerg] 7#7: for block zeroport service web could not create new thread task",
      ]),
    ).toBe(true);
    expect(container?.livenessProbe.exec.command[2]).toContain(
      container.readinessProbe.exec.command[2],
    );
  });

  test("the image is required, with directions", async () => {
    const error = (await render(
      () => new NginxZitiIngress("ng", { identity: { json: identityJson() }, binds: [] } as never),
    ).catch((e: unknown) => e)) as ZeroportInputError;
    expect(error.issues).toEqual([
      {
        path: "image",
        reason:
          "is required: there is no official nginx image with the OpenZiti module; build images/nginx-ziti (see its README), push it, and pass it here pinned, as `registry/nginx-ziti:1.23.3-1`",
      },
      { path: "binds", reason: "must bind at least one Ziti service" },
    ]);
  });

  test("refuses a one-time JWT: the module cannot enroll", () => {
    const r = NginxZitiIngressArgsSchema.safeParse({
      ...base,
      identity: { jwt: jwt() },
      binds: [{ service: "a", upstream: "x:1" }],
    });
    expect(r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "identity: must be an enrolled identity (`json`, or an existing Secret with contents json): the nginx module loads it and cannot enroll a JWT",
    ]);
  });

  test("refuses repeated services, bad upstreams and no connections", () => {
    const r = NginxZitiIngressArgsSchema.safeParse({
      ...base,
      binds: [
        { service: "a", upstream: "x:1" },
        { service: "a", upstream: "no-port" },
      ],
      expectedConnections: 0,
    });
    expect(r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "binds.1.upstream: must be host:port (IPv4 or a DNS name; the module resolves it per connection)",
      "expectedConnections: must be at least 1: every client connection holds a pool thread while it lasts",
      "binds.1.service: binds the same service as binds[0]",
    ]);
  });
});
