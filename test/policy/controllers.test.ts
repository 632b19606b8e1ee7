// Which controller makes which kind for which owner: the table both the guard (whose CEL counts an
// owner reference only from that controller) and `scan --cluster` (which judges through owners
// only along these edges) read.
import {
  CONTROLLER_EDGES,
  CONTROLLER_MANAGER_USER,
  controllerEdge,
  controllerUser,
} from "../../policy/controllers";

test("each pod-making controller, with the service account kube-controller-manager v1.36 gives it", () => {
  expect(
    CONTROLLER_EDGES.map((e) => `${e.owner} -> ${e.child}: ${controllerUser(e.serviceAccount)}`),
  ).toEqual([
    "ReplicaSet -> Pod: system:serviceaccount:kube-system:replicaset-controller",
    "DaemonSet -> Pod: system:serviceaccount:kube-system:daemon-set-controller",
    "StatefulSet -> Pod: system:serviceaccount:kube-system:statefulset-controller",
    "Job -> Pod: system:serviceaccount:kube-system:job-controller",
    "ReplicationController -> Pod: system:serviceaccount:kube-system:replication-controller",
    "Deployment -> ReplicaSet: system:serviceaccount:kube-system:deployment-controller",
    "CronJob -> Job: system:serviceaccount:kube-system:cronjob-controller",
  ]);
  expect(CONTROLLER_MANAGER_USER).toBe("system:kube-controller-manager");
});

test("an edge needs the child's kind and the owner's kind and apiVersion exactly", () => {
  expect(controllerEdge("Pod", { kind: "DaemonSet", apiVersion: "apps/v1" })?.serviceAccount).toBe(
    "daemon-set-controller",
  );
  for (const owner of [
    { kind: "DaemonSet", apiVersion: "extensions/v1beta1" },
    { kind: "Service", apiVersion: "v1" },
    { kind: "Deployment", apiVersion: "apps/v1" },
    { kind: "Rollout", apiVersion: "argoproj.io/v1alpha1" },
    {},
  ])
    expect(controllerEdge("Pod", owner)).toBeUndefined();
  expect(
    controllerEdge("Deployment", { kind: "DaemonSet", apiVersion: "apps/v1" }),
  ).toBeUndefined();
});
