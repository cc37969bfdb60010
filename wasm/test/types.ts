// Compiled with `tsc --strict --noEmit` against the installed package
// (wasm/test.sh): the declarations accept what the API takes, give what it
// returns, and refuse what it refuses.
import init, {
  MxtrustError,
  PolicyCache,
  checkPolicyResponse,
  checkSts,
  decide,
  generateTlsa,
  initSync,
  isPolicyUrl,
  mxHosts,
  parsePolicy,
  parseStsRecord,
  parseTlsa,
  parseTlsrptRecord,
  policyAllowsMx,
  policyHost,
  policyUrl,
  tlsaBaseDomains,
  tlsaOwnerName,
  verifyDane,
  type DaneReport,
  type StsCheckReport,
} from "mxtrust";
import roots, { source } from "mxtrust/roots";

declare const pem: string;
declare const der: Uint8Array;

const report: DaneReport = verifyDane({ chain: pem, tlsa: "3 1 1 00", names: "mx.example.com" });
const outcome: "authenticated" | "unauthenticated-tls" | "failed" = report.outcome;
verifyDane({ chain: [der, der], tlsa: [{ usage: 3, selector: 1, matchingType: 1, data: der }, "3 1 1 00", der], names: ["a", ".b"], time: new Date(), profile: "generic", trustAnchors: der, digestPreference: ["sha256"], eeNameChecks: true, port: 25, proto: "tcp", dnssecUnchecked: false });
// @ts-expect-error names is required
verifyDane({ chain: pem, tlsa: "" });
// @ts-expect-error no such profile
verifyDane({ chain: pem, tlsa: "", names: "a", profile: "pkix" });

const records = generateTlsa({ chain: pem, host: "mx.example.com", usage: 3 });
const zone: string | null = records[0].zone_line;
generateTlsa({ csr: der });
generateTlsa({ publicKey: pem, matchingType: 2 });
const parsed = parseTlsa("3 1 1 00", { name: "mx.example.com" });
const index: number = parsed.records[0].index;

const policy = parsePolicy(der, ["mx.example.com"]);
const valid: boolean = policy.valid && policyAllowsMx(pem, "mx.example.com");
const sts: StsCheckReport = checkSts({ policy: pem, chain: [der], mx: "mx.example.com", roots });
const action: string = sts.action;
parseStsRecord(["v=STSv1; id=1"]);
parseTlsrptRecord([["v=TLSRPTv1; ", der]]);

const d = decide({ mxRrset: "secure", addresses: "secure", tlsa: "secure-with-records", tlsaUsability: "some-usable", sts: { mode: "enforce", mxAllowed: true } });
const a: "require-dane" | "require-tls-unauthenticated" | "require-sts" | "sts-testing" | "opportunistic" | "skip-mx" | "defer" = d.action;
// @ts-expect-error not a DNSSEC status
decide({ mxRrset: "valid", addresses: "secure", tlsa: "insecure", sts: "no-policy" });

const url: string = policyUrl("example.com") + policyHost("example.com");
const same: boolean = isPolicyUrl("example.com", url);
checkPolicyResponse("example.com", { url, status: 200, contentType: "text/plain", bodyLength: 10 });
mxHosts("example.com", [{ preference: 10, exchange: "mx.example.com" }], { seed: 1 });
mxHosts("example.com", "nodata");
const base = tlsaBaseDomains({ mxHost: "mx.example.com", addresses: "secure", cnames: [], firstLookup: "secure-empty" });
const owner: string = tlsaOwnerName(base.candidates[0]?.tlsa_base_domain ?? "", { port: 25, protocol: "tcp" });

const cache = new PolicyCache({ capacity: 16, key: der });
cache.store("example.com", "1", pem, Date.now() / 1000);
const found = cache.lookup("example.com");
const mode: string | undefined = found.policy?.mode;
const image: Uint8Array = cache.export();
const imported: { kept: number; dropped: number } = new PolicyCache().import(image);
const due: string[] = cache.dueDomains(3600);
cache.free();

try {
  verifyDane({ chain: pem, tlsa: "", names: "a" });
} catch (e) {
  if (e instanceof MxtrustError) {
    const code: string = e.code;
    const line: number | undefined = e.line;
  }
}

await init();
await init({ module_or_path: der });
initSync({ module: der });
const rootList: ReadonlyArray<Uint8Array> = roots;
const from: string = source;
export { outcome, zone, index, valid, action, a, same, owner, mode, imported, due, rootList, from };
