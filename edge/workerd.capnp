# workerd configuration of the mxtrust edge worker (edge/README.md).
#
#   cd edge && node_modules/.bin/workerd serve workerd.capnp
#
# serves the API and web/ (the checker page) on http://127.0.0.1:8787.
# workerd does not bundle: every module is listed here under the name its
# importers use ("mxtrust" is the wasm package's workerd entry, worker.js;
# "dns-packet" and its files are CommonJS). tests/stack/cases/edge.sh
# imports `modules` and `compatibilityDate` into its own config, which
# points DOH_URL at the harness's resolver and trusts the test CA.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .edgeWorker),
    # Outbound fetches: public addresses only (workerd's default), the
    # system's trusted CAs.
    (name = "internet", network = (allow = ["public"], tlsOptions = (trustBrowserCas = true))),
    # The checker page is web/ at the top of the tree. workerd refuses a
    # disk service whose directory is missing, so the service is the tree's
    # top, and the worker asks it only for ASSETS_PREFIX/PATH (plain path
    # characters, no dot segments), with a placeholder page where web/ holds
    # no page. workerd takes the path from
    # the working directory: run it in edge/.
    (name = "tree", disk = (path = "..", writable = false)),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "main")],
);

const compatibilityDate :Text = "2026-11-01";

const edgeWorker :Workerd.Worker = (
  modules = .modules,
  compatibilityDate = .compatibilityDate,
  bindings = [
    (name = "DOH_URL", text = "https://cloudflare-dns.com/dns-query"),
    (name = "ALLOWED_ORIGINS", text = ""),
    (name = "ASSETS", service = "tree"),
    (name = "ASSETS_PREFIX", text = "/web"),
  ],
  globalOutbound = "internet",
);

const modules :List(Workerd.Worker.Module) = [
  (name = "index.js", esModule = embed "src/index.js"),
  (name = "dns.js", esModule = embed "src/dns.js"),
  (name = "sts.js", esModule = embed "src/sts.js"),
  (name = "check.js", esModule = embed "src/check.js"),
  (name = "mxtrust", esModule = embed "node_modules/mxtrust/worker.js"),
  (name = "api.js", esModule = embed "node_modules/mxtrust/api.js"),
  (name = "mxtrust/roots", esModule = embed "node_modules/mxtrust/roots.js"),
  (name = "mxtrust.js", esModule = embed "node_modules/mxtrust/mxtrust.js"),
  (name = "mxtrust_bg.wasm", wasm = embed "node_modules/mxtrust/mxtrust_bg.wasm"),
  (name = "snippets/mxtrust-wasm-0dfc5e2aa216d4e1/js/error.js",
   esModule = embed "node_modules/mxtrust/snippets/mxtrust-wasm-0dfc5e2aa216d4e1/js/error.js"),
  (name = "dns-packet", commonJsModule = embed "node_modules/dns-packet/index.js"),
  (name = "types", commonJsModule = embed "node_modules/dns-packet/types.js"),
  (name = "rcodes", commonJsModule = embed "node_modules/dns-packet/rcodes.js"),
  (name = "opcodes", commonJsModule = embed "node_modules/dns-packet/opcodes.js"),
  (name = "classes", commonJsModule = embed "node_modules/dns-packet/classes.js"),
  (name = "optioncodes", commonJsModule = embed "node_modules/dns-packet/optioncodes.js"),
  (name = "@leichtgewicht/ip-codec", commonJsModule = embed "node_modules/@leichtgewicht/ip-codec/index.cjs"),
];
