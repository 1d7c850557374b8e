/**
 * Test fixture: a real, third-party pretrained TF.js graph model taken from the npm package
 * nsfwjs@4.3.0 (no network). nsfwjs ships its models as UMD-wrapped `.min.js` modules: the model
 * module exports the model.json object, each shard module exports the shard's bytes as base64.
 *
 * Note: nsfwjs's "mobilenet_v2" is a Keras *layers* model; its graph-model MobileNetV2 is
 * "mobilenet_v2_mid" (tensorflowjs_converter output with _FusedConv2D / FusedDepthwiseConv2dNative
 * + Relu6), which is what graph-model tests need, so that is the default here.
 */
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const runtimeRequire = createRequire(__filename);

export type NsfwjsModelName = 'mobilenet_v2' | 'mobilenet_v2_mid';

/** nsfwjs's class order (dist/cjs/nsfw_classes.js). */
export const NSFWJS_CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'] as const;

interface WeightGroup {
  paths: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nsfwjsModelsDir(): string {
  // The package's "exports" hides dist/models: find it from the CommonJS entry (dist/cjs/index.js),
  // resolved only, not loaded.
  return path.join(path.dirname(runtimeRequire.resolve('nsfwjs')), '..', 'models');
}

/** The export of one UMD module, loaded by absolute path (bypasses the package's "exports"). */
function loadUmd(file: string): unknown {
  const mod: unknown = runtimeRequire(file);
  return isRecord(mod) && 'default' in mod && Object.keys(mod).length === 1 ? mod.default : mod;
}

/**
 * Writes nsfwjs's model `name` as `model.json` + `.bin` shards into `dir`, with a `vebi.json`
 * sidecar: nsfwjs divides pixels by 255 (core.js `normalizationOffset`) and names 5 classes.
 * Returns the path of model.json.
 */
export async function writeNsfwjsModel(dir: string, name: NsfwjsModelName): Promise<string> {
  const source = path.join(nsfwjsModelsDir(), name);
  // A copy: require() caches the module's object, and the shard paths are rewritten below.
  const modelJson: unknown = structuredClone(loadUmd(path.join(source, 'model.min.js')));
  if (!isRecord(modelJson) || !Array.isArray(modelJson.weightsManifest)) {
    throw new Error(`nsfwjs ${name}: model.min.js does not export a model.json object`);
  }
  const groups = modelJson.weightsManifest as WeightGroup[];
  await fs.mkdir(dir, { recursive: true });
  for (const group of groups) {
    group.paths = await Promise.all(group.paths.map(async (shard) => {
      const data = loadUmd(path.join(source, `${shard}.min.js`));
      if (typeof data !== 'string') throw new Error(`nsfwjs ${name}: ${shard}.min.js does not export base64 text`);
      const file = `${shard}.bin`;
      await fs.writeFile(path.join(dir, file), Buffer.from(data, 'base64'));
      return file;
    }));
  }
  const modelPath = path.join(dir, 'model.json');
  await fs.writeFile(modelPath, JSON.stringify(modelJson));
  await fs.writeFile(path.join(dir, 'vebi.json'), JSON.stringify({ preprocessing: 'unit', classNames: [...NSFWJS_CLASSES] }));
  return modelPath;
}

/** nsfwjs's pretrained MobileNetV2 as a TF.js graph model (224x224x3, 5 classes). */
export function writeNsfwjsMobileNetV2(dir: string): Promise<string> {
  return writeNsfwjsModel(dir, 'mobilenet_v2_mid');
}
