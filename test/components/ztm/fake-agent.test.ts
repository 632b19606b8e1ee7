// The fake agent replays the recording (test/fixtures/ztm-agent/README.md), call by call: the same
// requests get the recorded statuses and bodies. If this fails, the fake has drifted from the real
// agent and every reconciler test built on it proves nothing.
import mesh from "../../fixtures/ztm-agent/mesh.json";
import endpoints from "../../fixtures/ztm-agent/endpoints.json";
import outboundAfterPost from "../../fixtures/ztm-agent/outbound-after-post.json";
import inboundAfterPost from "../../fixtures/ztm-agent/inbound-after-post.json";
import inboundFailedListen from "../../fixtures/ztm-agent/inbound-failed-listen.json";
import malformedUuid from "../../fixtures/ztm-agent/error-malformed-uuid.json";
import invalidTarget from "../../fixtures/ztm-agent/error-invalid-target.json";
import stuckListen from "../../fixtures/ztm-agent/error-stuck-listen.json";
import proxyAfterPost from "../../fixtures/ztm-agent/proxy-after-post.json";
import { fakeAgent, type FakeAgent } from "./fake-agent";

async function call(agent: FakeAgent, method: string, path: string, body?: unknown) {
  const res = await fetch(`http://${agent.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  const text = await res.text();
  return { status: res.status, body: text === "" ? "" : (JSON.parse(text) as unknown) };
}

const B = endpoints.find((e) => e.name === "ep-b")!;

test("agent A: mesh, unknown mesh, endpoints, outbound, validation errors, proxy", async () => {
  const a = await fakeAgent();
  const tunnel = `/api/meshes/m1/apps/ztm/tunnel/api/endpoints/${a.id}`;
  const proxy = `/api/meshes/m1/apps/ztm/proxy/api/endpoints/${a.id}/config`;
  try {
    expect(await call(a, "GET", "/api/meshes/m1")).toEqual({ status: 200, body: mesh }); // 4
    expect(await call(a, "GET", "/api/meshes/nosuchmesh")).toEqual({ status: 404, body: "" }); // 6
    expect(await call(a, "GET", "/api/meshes/m1/endpoints")).toEqual({
      status: 200,
      body: endpoints,
    }); // 8
    expect(await call(a, "GET", `${tunnel}/outbound`)).toEqual({ status: 200, body: [] }); // 15
    const web = { targets: [{ host: "127.0.0.1", port: 18080 }], entrances: [], users: [] };
    expect(await call(a, "POST", `${tunnel}/outbound/tcp/web`, web)).toEqual({
      status: 201,
      body: "",
    }); // 17
    expect(await call(a, "GET", `${tunnel}/outbound`)).toEqual({
      status: 200,
      body: outboundAfterPost,
    }); // 18
    expect(await call(a, "GET", `${tunnel}/outbound/tcp/web`)).toEqual({
      status: 200,
      body: outboundAfterPost[0],
    }); // 19
    expect(
      await call(a, "POST", `${tunnel}/outbound/tcp/bad`, { ...web, entrances: ["ep-b"] }),
    ).toEqual({
      status: 500,
      body: malformedUuid,
    }); // 20
    expect(
      await call(a, "POST", `${tunnel}/outbound/tcp/bad2`, { targets: ["127.0.0.1:18080"] }),
    ).toEqual({
      status: 500,
      body: invalidTarget,
    }); // 21
    expect(await call(a, "GET", proxy)).toEqual({ status: 200, body: {} }); // 37
    const config = {
      listen: "127.0.0.1:18082",
      targets: [],
      exclusions: [],
      rules: proxyAfterPost.rules,
    };
    expect(await call(a, "POST", proxy, config)).toEqual({ status: 201, body: "" }); // 39
    expect(await call(a, "GET", proxy)).toEqual({ status: 200, body: proxyAfterPost }); // 40
    expect(await call(a, "DELETE", `${tunnel}/outbound/tcp/web`)).toEqual({
      status: 204,
      body: "",
    }); // 46
    expect(await call(a, "DELETE", `${tunnel}/outbound/tcp/web`)).toEqual({
      status: 204,
      body: "",
    });
  } finally {
    await a.close();
  }
});

test("agent B: inbound carries `open`; a taken port answers 201, then freezes inbound changes", async () => {
  const b = await fakeAgent({ id: B.id, name: B.name });
  const tunnel = `/api/meshes/m1/apps/ztm/tunnel/api/endpoints/${b.id}`;
  try {
    const web = { listens: [{ ip: "127.0.0.1", port: 18081 }], exits: [] };
    expect(await call(b, "POST", `${tunnel}/inbound/tcp/web`, web)).toEqual({
      status: 201,
      body: "",
    }); // 22
    expect(await call(b, "GET", `${tunnel}/inbound`)).toEqual({
      status: 200,
      body: inboundAfterPost,
    }); // 23
    b.state.takenPorts.add(18080); // the recording's http.server
    const clash = { listens: [{ ip: "127.0.0.1", port: 18080 }], exits: [] };
    expect(await call(b, "POST", `${tunnel}/inbound/tcp/clash`, clash)).toEqual({
      status: 201,
      body: "",
    }); // 25
    expect(await call(b, "GET", `${tunnel}/inbound/tcp/clash`)).toEqual({
      status: 200,
      body: inboundFailedListen,
    }); // 26
    expect(await call(b, "DELETE", `${tunnel}/inbound/tcp/clash`)).toEqual({
      status: 500,
      body: stuckListen,
    }); // 27
    const bad = { listens: [{ ip: "127.0.0.1", port: 18085 }], exits: ["ep-a"] };
    expect(await call(b, "POST", `${tunnel}/inbound/tcp/bad`, bad)).toEqual({
      status: 500,
      body: { ...malformedUuid, message: "malformed UUID 'ep-a'" },
    }); // 28
    expect(await call(b, "DELETE", `${tunnel}/inbound/tcp/web`)).toEqual({
      status: 500,
      body: stuckListen,
    }); // 44
  } finally {
    await b.close();
  }
});

test("a failed listen freezes nothing until its tunnel is changed (ztm-real-run.md F5)", async () => {
  const b = await fakeAgent({ id: B.id, name: B.name });
  const tunnel = `/api/meshes/m1/apps/ztm/tunnel/api/endpoints/${b.id}`;
  try {
    b.state.takenPorts.add(18080);
    const clash = { listens: [{ ip: "127.0.0.1", port: 18080 }], exits: [] };
    expect((await call(b, "POST", `${tunnel}/inbound/tcp/clash`, clash)).status).toBe(201);
    // Another inbound tunnel is still accepted and opened.
    const web = { listens: [{ ip: "127.0.0.1", port: 18081 }], exits: [] };
    expect((await call(b, "POST", `${tunnel}/inbound/tcp/web`, web)).status).toBe(201);
    expect((await call(b, "GET", `${tunnel}/inbound/tcp/web`)).body).toMatchObject({
      listens: [{ ip: "127.0.0.1", port: 18081, open: true }],
    });
    // Moving the failed tunnel freezes every inbound change until a restart.
    const moved = { listens: [{ ip: "127.0.0.1", port: 18082 }], exits: [] };
    expect((await call(b, "POST", `${tunnel}/inbound/tcp/clash`, moved)).status).toBe(500);
    expect((await call(b, "POST", `${tunnel}/inbound/tcp/other`, web)).status).toBe(500);
    b.restart();
    expect((await call(b, "POST", `${tunnel}/inbound/tcp/other`, web)).status).toBe(201);
  } finally {
    await b.close();
  }
});
