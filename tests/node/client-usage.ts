// What a web or mobile frontend writes with the generated TypeScript client (openapi-typescript
// types + openapi-fetch): `tsc --noEmit` checks it against the merged OpenAPI document, so a
// renamed path, a missing required field or a wrong type fails the contract tests.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type Tokens = components["schemas"]["EnrolledOut"]["tokens"];

const api = createClient<paths>({ baseUrl: "http://127.0.0.1:8000" });

export async function enrol(nationalId: string, mobile: string, code: string): Promise<Tokens> {
  const started = await api.POST("/v1/enrolments", {
    params: { header: { "Accept-Language": "en" } },
    body: { national_id: nationalId, first_name: "أحمد", mother_first_name: "منى", mobile },
  });
  if (started.error !== undefined) {
    throw new Error(`${started.error.title}: ${started.error.detail ?? ""}`);
  }
  const verified = await api.POST("/v1/enrolments/{enrolment_id}/verification", {
    params: { path: { enrolment_id: started.data.id } },
    body: { code },
  });
  if (verified.data === undefined) {
    throw new Error(verified.error?.code ?? "verification failed");
  }
  return verified.data.tokens;
}

export async function draftAndQuote(tokens: Tokens, agent: string): Promise<number> {
  const headers = { Authorization: `Bearer ${tokens.access_token}` };
  const drafted = await api.POST("/v1/powers-of-attorney", {
    headers,
    body: { kind: "general", scopes: ["general_management"], agents: [agent], special_conditions: [] },
  });
  if (drafted.data === undefined) {
    throw new Error(drafted.error?.code ?? "draft failed");
  }
  const quoted = await api.POST("/v1/powers-of-attorney/{poa_id}/quote", {
    headers,
    params: { path: { poa_id: drafted.data.id } },
    body: { method: "wallet", channel: "web" },
  });
  return quoted.data?.amount_piastres ?? 0;
}

export async function catalogue(): Promise<string[]> {
  const found = await api.GET("/v1/services", { params: { query: { limit: 20 } } });
  return (found.data?.items ?? []).map((service) => service.code);
}
