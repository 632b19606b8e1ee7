/**
 * Which controller makes which object for which owner. An owner reference is written by whoever
 * writes the object, so a tenant can name any owner it can read (its uid included) and the API
 * server checks none of it at admission. An owner counts only where the writer is the controller
 * that makes objects of that kind for owners of that kind: kube-controller-manager, as
 * `system:kube-controller-manager` (one identity for all its controllers) or, with
 * `--use-service-account-credentials` (kubeadm's default), as the controller's own service account
 * in kube-system, named as each controller asks for its client (kubernetes v1.36.1
 * cmd/kube-controller-manager/app/apps.go:44,76,103,129, batch.go:44,82, core.go:461).
 * Neither identity can be taken by a tenant: one is a client certificate the control plane holds,
 * the other a service account in kube-system, which only admins write.
 */

export interface ControllerEdge {
  /** The kind the controller creates. */
  child: string;
  /** The owner's kind and apiVersion, exactly as the controller writes its controller reference. */
  owner: string;
  ownerApiVersion: string;
  /** The controller's service account in kube-system. */
  serviceAccount: string;
}

export const CONTROLLER_EDGES: readonly ControllerEdge[] = [
  {
    child: "Pod",
    owner: "ReplicaSet",
    ownerApiVersion: "apps/v1",
    serviceAccount: "replicaset-controller",
  },
  {
    child: "Pod",
    owner: "DaemonSet",
    ownerApiVersion: "apps/v1",
    serviceAccount: "daemon-set-controller",
  },
  {
    child: "Pod",
    owner: "StatefulSet",
    ownerApiVersion: "apps/v1",
    serviceAccount: "statefulset-controller",
  },
  { child: "Pod", owner: "Job", ownerApiVersion: "batch/v1", serviceAccount: "job-controller" },
  {
    child: "Pod",
    owner: "ReplicationController",
    ownerApiVersion: "v1",
    serviceAccount: "replication-controller",
  },
  {
    child: "ReplicaSet",
    owner: "Deployment",
    ownerApiVersion: "apps/v1",
    serviceAccount: "deployment-controller",
  },
  {
    child: "Job",
    owner: "CronJob",
    ownerApiVersion: "batch/v1",
    serviceAccount: "cronjob-controller",
  },
];

/** kube-controller-manager's own identity, used by every controller without per-controller credentials. */
export const CONTROLLER_MANAGER_USER = "system:kube-controller-manager";

/** The service-account user name of a controller in kube-system. */
export const controllerUser = (serviceAccount: string) =>
  `system:serviceaccount:kube-system:${serviceAccount}`;

/** The edge by which `owner` (kind, apiVersion) makes objects of `child`, if there is one. */
export function controllerEdge(
  child: string,
  owner: { kind?: unknown; apiVersion?: unknown },
): ControllerEdge | undefined {
  return CONTROLLER_EDGES.find(
    (e) => e.child === child && e.owner === owner.kind && e.ownerApiVersion === owner.apiVersion,
  );
}
