import type { ResolvedNginxZitiIngressArgs } from "./nginx-ziti-ingress";

export const NGINX_IDENTITY_DIR = "/var/run/secrets/openziti.io";
/**
 * A copy of the error log the probes read: ngx_ziti_module logs a bind that failed ("could not
 * bind server socket …, service thread exiting", ngx_ziti_module.c:324-346) and keeps running,
 * serving nothing for that service.
 */
export const NGINX_ERROR_LOG = "/tmp/nginx-error.log";

/** The thread pool name is fixed in the module's source. */
const THREAD_POOL = "ngx_ziti_tp";

/** Each bind holds one pool thread for good (its accept loop) and each connection one while it lasts. */
export function threadCount(
  a: Pick<ResolvedNginxZitiIngressArgs, "binds" | "expectedConnections">,
): number {
  return a.binds.length + a.expectedConnections;
}

/**
 * nginx.conf: the module and its thread pool at the top level, and one top-level `ziti` block
 * (not inside `stream` or `http`) binding each service to its upstream. No listener at all.
 */
export function renderNginxConf(a: ResolvedNginxZitiIngressArgs): string {
  const binds = a.binds.flatMap((b) => [
    "",
    `    bind ${b.service} {`,
    `        upstream ${b.upstream};`,
    "    }",
  ]);
  return [
    "# Rendered by zeroport. nginx binds Ziti services and listens on no port.",
    "worker_processes 1;",
    "pid /tmp/nginx.pid;",
    "error_log stderr notice;",
    `error_log ${NGINX_ERROR_LOG} notice;`,
    `load_module ${a.modulePath};`,
    `thread_pool ${THREAD_POOL} threads=${threadCount(a)} max_queue=65536;`,
    "",
    "events {",
    `    worker_connections ${a.workerConnections};`,
    "}",
    "",
    `ziti ${a.blockName} {`,
    `    identity_file ${NGINX_IDENTITY_DIR}/identity.json;`,
    ...binds,
    "}",
    "",
  ].join("\n");
}
