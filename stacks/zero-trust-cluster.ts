import { z } from "zod";
import { DnsLabel } from "../components/core/schemas";
import { runBlueprint, type Blueprint } from "./blueprint";
import { defineBlueprint } from "./blueprint";
import { FactsSchema, chooseStrategy } from "./strategy";

/**
 * The decision chart as a deployment: facts in, the chosen strategy's blueprint out, configured by
 * the matching section. Each section is that blueprint's own config.
 */
export function zeroTrustClusterBlueprint(blueprints: () => Record<string, Blueprint>) {
  const Section = z.record(z.string(), z.unknown()).optional();
  return defineBlueprint({
    name: "zero-trust-cluster",
    summary:
      "The decision chart: facts about the workload choose the component; one typed config deploys it",
    schema: z
      .object({
        facts: FactsSchema,
        strategies: z
          .object({
            "ziti-host": Section,
            "egress-tproxy": Section,
            "egress-loopback": Section,
            "node-proxy": Section,
            "ingress-router": Section,
            "ingress-nginx": Section,
            "ztm-mesh": Section,
            "ztm-cross-cluster": Section,
          })
          .strict()
          .default({}),
        name: DnsLabel.optional(),
      })
      .strict()
      .superRefine((c, ctx) => {
        const facts = FactsSchema.safeParse(c.facts);
        if (!facts.success) return;
        const id = chooseStrategy(facts.data).id;
        if (c.strategies[id] === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["strategies", id],
            message: `is required: the facts choose ${id}; give that blueprint's config here`,
          });
        }
      }),
    example: {
      facts: { dialsZitiService: false, routerInstalled: false, nginxInstalled: false },
      strategies: {
        "ziti-host": {
          host: {
            namespace: { name: "ziti", create: true },
            identity: { existingSecret: { name: "ziti-host-identity", contents: "jwt" } },
          },
        },
      },
    },
    program: (config) => {
      const strategy = chooseStrategy(config.facts);
      const blueprint = blueprints()[strategy.blueprint];
      if (!blueprint) throw new Error(`no blueprint ${strategy.blueprint}`);
      runBlueprint(blueprint, config.strategies[strategy.id]);
    },
  });
}
