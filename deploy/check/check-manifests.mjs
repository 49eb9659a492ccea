// Validates the deployment manifests (deploy/k8s, deploy/kserve, or the folders given):
//  - core Kubernetes objects with kubernetes-models (each model validates itself against the Kubernetes OpenAPI schema);
//  - Prometheus Operator objects with @kubernetes-models/prometheus-operator;
//  - KServe objects against the openAPIV3Schema of the CRDs in ../shared/specs/kserve (read from there, never copied),
//    strictly: a field the schema does not declare is an error, as with `kubectl apply --validate=strict`;
//  - kustomization.yaml: every resource it lists exists, and every manifest beside it is listed (variants/ aside);
//  - references inside a file set: probe and Service ports name a declared container port, selectors match the
//    pod template's labels, the HPA and PDB target the Deployment.
// With --summary FILE it also writes what the server must agree with (ports, probe paths, args, grace periods) as
// JSON; tests/Aot.Server.Tests/Deploy/ManifestTests.cs checks that against the server itself.
//
//   node deploy/check/check-manifests.mjs [--specs DIR] [--summary FILE] [FOLDER...]
// Exit 0 when everything validates; 1 with one line per problem (file, object, path, what is wrong) otherwise.
import { readFileSync, readdirSync, statSync, existsSync, writeFileSync } from "node:fs";
import { join, relative, resolve, dirname, basename } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import Ajv from "ajv";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
let specs = resolve(repoRoot, "..", "shared", "specs", "kserve");
let summaryFile = null;
const folders = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--specs") specs = resolve(args[++i]);
  else if (args[i] === "--summary") summaryFile = resolve(args[++i]);
  else folders.push(resolve(args[i]));
}
if (folders.length === 0) folders.push(join(repoRoot, "deploy", "k8s"), join(repoRoot, "deploy", "kserve"));

const problems = [];
const problem = (file, object, message) => problems.push(`${relative(repoRoot, file)}: ${object}: ${message}`);

function yamlFiles(folder) {
  return readdirSync(folder).sort().flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

// KServe: one Ajv validator per (group, version, kind), from the CRD's openAPIV3Schema, made strict.
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const crdValidators = new Map();
function strict(schema) {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== "object") return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === "properties" ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)])) : strict(value)]));
  // A structural schema prunes undeclared fields silently; a typo would then vanish on apply, so reject it here.
  if (copy.properties && copy.additionalProperties === undefined && !copy["x-kubernetes-preserve-unknown-fields"]) copy.additionalProperties = false;
  return copy;
}
function loadCrds() {
  if (!existsSync(specs)) throw new Error(`the KServe CRDs are not at ${specs} (shared/specs/kserve beside the repository; --specs DIR to point elsewhere)`);
  for (const file of yamlFiles(specs)) {
    for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
      const crd = document.toJS();
      if (crd?.kind !== "CustomResourceDefinition") continue;
      for (const version of crd.spec.versions.filter((v) => v.served)) {
        const schema = strict(version.schema.openAPIV3Schema);
        crdValidators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(schema));
      }
    }
  }
}

async function validateObject(file, object) {
  const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
  const label = `${object.kind} ${object.metadata?.name ?? "(no name)"}`;
  if (group.endsWith("kserve.io")) {
    const validate = crdValidators.get(`${group}/${version}/${object.kind}`);
    if (!validate) return problem(file, label, `no KServe CRD in ${specs} defines ${object.apiVersion} ${object.kind}`);
    if (!validate(object)) {
      for (const error of validate.errors) {
        const extra = error.keyword === "additionalProperties" ? ` '${error.params.additionalProperty}'` : "";
        problem(file, label, `${error.instancePath || "/"} ${error.message}${extra}`);
      }
    }
    return;
  }
  const module = group === "monitoring.coreos.com"
    ? `@kubernetes-models/prometheus-operator/${group}/${version}/${object.kind}`
    : `kubernetes-models/${group ? `${group}/` : ""}${version}/${object.kind}`;
  let Model;
  try {
    Model = (await import(module))[object.kind];
  } catch {
    return problem(file, label, `no schema for ${object.apiVersion} ${object.kind} (looked for ${module})`);
  }
  try {
    new Model(object).validate();
  } catch (error) {
    for (const line of String(error.message).split(/,\s*(?=data)/)) problem(file, label, line.replace(/^data/, ""));
  }
}

function checkKustomization(file, kustomization) {
  const folder = dirname(file);
  const listed = new Set((kustomization.resources ?? []).map((r) => resolve(folder, r)));
  for (const resource of listed) {
    if (!existsSync(resource)) problem(file, "Kustomization", `resource ${relative(folder, resource)} does not exist`);
  }
  for (const manifest of readdirSync(folder).filter((n) => /\.ya?ml$/.test(n) && !/^kustomization\.ya?ml$/.test(n))) {
    if (!listed.has(join(folder, manifest))) problem(file, "Kustomization", `${manifest} is not listed in resources`);
  }
}

// What the server has to agree with, per container: ports, probes, args; and the pod's grace period.
function containersOf(object) {
  if (object.kind === "Deployment") return { pod: object.spec?.template?.spec, containers: object.spec?.template?.spec?.containers ?? [] };
  if (object.kind === "ServingRuntime") return { pod: object.spec, containers: object.spec?.containers ?? [] };
  return null;
}

function checkReferences(objects) {
  const deployments = objects.filter(({ object }) => object.kind === "Deployment");
  for (const { file, object } of objects) {
    const label = `${object.kind} ${object.metadata?.name}`;
    const workload = containersOf(object);
    if (workload) {
      for (const container of workload.containers) {
        const names = new Set((container.ports ?? []).map((p) => p.name));
        const numbers = new Set((container.ports ?? []).map((p) => p.containerPort));
        for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
          const port = container[probe]?.httpGet?.port;
          if (port !== undefined && !(typeof port === "number" ? numbers.has(port) : names.has(port))) {
            problem(file, label, `${container.name}.${probe} uses port ${port}, which the container does not declare`);
          }
        }
      }
    }
    if (object.kind === "Deployment") {
      const labels = object.spec?.template?.metadata?.labels ?? {};
      for (const [key, value] of Object.entries(object.spec?.selector?.matchLabels ?? {})) {
        if (labels[key] !== value) problem(file, label, `selector ${key}=${value} does not match the pod template's labels`);
      }
    }
    if (object.kind === "Service" || object.kind === "PodDisruptionBudget" || object.kind === "PodMonitor") {
      const selector = object.kind === "Service" ? object.spec?.selector : object.spec?.selector?.matchLabels;
      const targets = deployments.filter(({ object: d }) => Object.entries(selector ?? {}).every(([k, v]) => d.spec?.template?.metadata?.labels?.[k] === v));
      if (targets.length === 0) problem(file, label, `its selector matches no Deployment's pods`);
      const portNames = new Set(targets.flatMap(({ object: d }) => d.spec.template.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name))));
      const wanted = object.kind === "Service" ? (object.spec?.ports ?? []).map((p) => p.targetPort).filter((p) => typeof p === "string")
        : object.kind === "PodMonitor" ? (object.spec?.podMetricsEndpoints ?? []).map((e) => e.port) : [];
      for (const port of wanted) if (targets.length && !portNames.has(port)) problem(file, label, `port ${port} is not a container port of the pods it selects`);
    }
    if (object.kind === "HorizontalPodAutoscaler") {
      const target = object.spec?.scaleTargetRef;
      if (!deployments.some(({ object: d }) => target?.kind === "Deployment" && d.metadata?.name === target.name)) {
        problem(file, label, `scaleTargetRef ${target?.kind}/${target?.name} is not a Deployment in these manifests`);
      }
    }
  }
}

function summarise(objects) {
  return objects.flatMap(({ file, object }) => {
    const workload = containersOf(object);
    if (!workload) return [];
    return workload.containers.map((container) => ({
      file: relative(repoRoot, file),
      kind: object.kind,
      name: object.metadata?.name,
      container: container.name,
      args: container.args ?? [],
      ports: (container.ports ?? []).map((p) => ({ name: p.name, containerPort: p.containerPort })),
      probes: ["startupProbe", "readinessProbe", "livenessProbe"].filter((p) => container[p]?.httpGet).map((p) => ({ probe: p, path: container[p].httpGet.path, port: container[p].httpGet.port })),
      terminationGracePeriodSeconds: workload.pod?.terminationGracePeriodSeconds ?? null,
      preStopSleepSeconds: container.lifecycle?.preStop?.sleep?.seconds ?? 0,
    }));
  });
}

loadCrds();
for (const folder of folders) {
  if (!existsSync(folder)) {
    problems.push(`${folder}: no such folder`);
    continue;
  }
  const objects = [];
  for (const file of yamlFiles(folder)) {
    const documents = parseAllDocuments(readFileSync(file, "utf8"));
    for (const document of documents) {
      if (document.errors.length) {
        for (const error of document.errors) problem(file, "YAML", error.message.split("\n")[0]);
        continue;
      }
      const object = document.toJS();
      if (object === null) continue;
      if (!object.apiVersion || !object.kind) {
        problem(file, "object", "has no apiVersion or kind");
        continue;
      }
      if (object.kind === "Kustomization") {
        checkKustomization(file, object);
        continue;
      }
      await validateObject(file, object);
      objects.push({ file, object });
    }
  }
  // variants/ holds alternatives to files of the base (another HPA): checked alone, not as part of the set.
  checkReferences(objects.filter(({ file }) => !relative(folder, file).startsWith("variants")));
  if (summaryFile) {
    const previous = existsSync(summaryFile) && folders.indexOf(folder) > 0 ? JSON.parse(readFileSync(summaryFile, "utf8")) : [];
    writeFileSync(summaryFile, JSON.stringify([...previous, ...summarise(objects)], null, 2));
  }
  console.log(`${relative(repoRoot, folder) || "."}: ${objects.length} objects in ${new Set(objects.map((o) => o.file)).size} files`);
}

if (problems.length) {
  console.error(`${problems.length} problem(s):`);
  for (const line of problems) console.error(`  ${line}`);
  process.exit(1);
}
console.log("every manifest validates");
