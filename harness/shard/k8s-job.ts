// A sharded run as Kubernetes documents: a PersistentVolumeClaim every pod shares, an Indexed Job
// whose pods are the shards (JOB_COMPLETION_INDEX is the shard index, the same --start-at for
// all), and a second Job that merges. The merge Job's init container waits until every shard has
// written report.json, or until the shards' deadline passed (a shard that died never writes it,
// and the merge then names it); the merge is a separate Job, not a step of the indexed one,
// because a Job's pods cannot wait for their siblings.
import { stringify } from 'yaml';

export interface ShardJobOptions {
  /** The suite or gate file as the image sees it, relative to the image's working directory. */
  suitePath: string;
  suiteName: string;
  suiteSha256: string;
  shards: number;
  image: string;
  startAt: string;
  /** How long the shards may take after the start before the merge runs without the missing ones. */
  deadlineSeconds: number;
  /** More arguments for every shard, e.g. --target-url candidate=http://embedgate:8080. */
  shardArgs?: string[];
  /** ReadWriteMany storage class; the cluster's default when undefined. */
  storageClass?: string;
}

const LABEL = 'embedgate.dev/run';
const dns = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'suite';

export function shardJobDocuments(o: ShardJobOptions): Record<string, unknown>[] {
  const name = `embedgate-${dns(o.suiteName)}`;
  const run = `${dns(o.suiteName)}-${o.startAt.replace(/[^0-9]/g, '').slice(0, 14)}`;
  const dir = `/shards/${run}`;
  const annotations = { 'embedgate.dev/suite': o.suitePath, 'embedgate.dev/suite-sha256': o.suiteSha256, 'embedgate.dev/start-at': o.startAt, 'embedgate.dev/shards': String(o.shards) };
  const labels = { [LABEL]: run };
  const volume = { name: 'shards', persistentVolumeClaim: { claimName: `${name}-shards` } };
  const mount = { name: 'shards', mountPath: '/shards' };
  const env = [{ name: 'EMBEDGATE_SUITE_SHA256', value: o.suiteSha256 }, { name: 'NO_COLOR', value: '1' }];
  const pvc = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: `${name}-shards`, labels },
    // Shard pods land on different nodes, so the volume must be writable from many.
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } }, ...(o.storageClass ? { storageClassName: o.storageClass } : {}) },
  };
  const shardJob = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${name}-shards`, labels, annotations },
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: o.shards,
      // A retried shard would start late and skew its phases: a failed shard stays failed, and the merge names it.
      backoffLimit: 0,
      activeDeadlineSeconds: o.deadlineSeconds,
      template: {
        metadata: { labels, annotations },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'shard',
              image: o.image,
              env: [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }, ...env],
              command: ['sh', '-c', `exec npx embedgate run ${o.suitePath} --shard "$JOB_COMPLETION_INDEX/${o.shards}" --start-at ${o.startAt}${(o.shardArgs ?? []).map((a) => ` '${a.replace(/'/g, `'\\''`)}'`).join('')} --out ${dir}`],
              volumeMounts: [mount],
            },
          ],
          volumes: [volume],
        },
      },
    },
  };
  const wait =
    `deadline=$(( $(date -d ${o.startAt} +%s) + ${o.deadlineSeconds} )); ` +
    `until [ "$(ls ${dir}/*/report.json 2>/dev/null | wc -l)" -ge ${o.shards} ] || [ "$(date +%s)" -ge "$deadline" ]; do sleep 5; done`;
  const mergeJob = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${name}-merge`, labels, annotations },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels, annotations },
        spec: {
          restartPolicy: 'Never',
          initContainers: [{ name: 'wait-for-shards', image: o.image, command: ['sh', '-c', wait], volumeMounts: [mount] }],
          containers: [{ name: 'merge', image: o.image, env, command: ['sh', '-c', `exec npx embedgate merge ${dir} --out ${dir}-merged`], volumeMounts: [mount] }],
          volumes: [volume],
        },
      },
    },
  };
  return [pvc, shardJob, mergeJob];
}

export function shardJobYaml(o: ShardJobOptions): string {
  const header = `# embedgate k8s-job: ${o.suitePath} (sha256 ${o.suiteSha256}) as ${o.shards} shards starting at ${o.startAt}.\n# kubectl apply -f this file; the merged report lands in the volume under ${'/shards'}/<run>-merged/.\n`;
  return header + shardJobDocuments(o).map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
