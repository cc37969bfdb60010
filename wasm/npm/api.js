// The public names, the same in every world. build.sh fills in where
// wasm-bindgen put the error class.
export {
  verifyDane,
  generateTlsa,
  parseTlsa,
  parsePolicy,
  policyAllowsMx,
  checkSts,
  parseStsRecord,
  parseTlsrptRecord,
  decide,
  policyUrl,
  policyHost,
  isPolicyUrl,
  checkPolicyResponse,
  policyFetchFailure,
  weakerDnssecStatus,
  mxHosts,
  tlsaBaseDomains,
  tlsaOwnerName,
  planDaneRollover,
  planStsRollover,
  PolicyCache,
  initSync,
  default,
} from "./mxtrust.js";
export { MxtrustError } from "__ERROR_JS__";
