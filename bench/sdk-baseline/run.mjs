// FASHN's official TypeScript SDK (npm `fashn`) used as its README shows, against the local emulator.
// Prints one JSON line with what it measured; bench/Fashn.Bench runs it and reads that line.
//
//   node run.mjs --mode sequential|parallel --images <folder> --n <count> [--poll-ms 100] [--prompt text]
//
// Base URL and key come from FASHN_BASE_URL and FASHN_API_KEY, the SDK's own variables.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import Fashn from 'fashn';

function option(name, fallback) {
  const at = process.argv.indexOf('--' + name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

const mode = option('mode', 'sequential');
const folder = option('images');
const count = Number(option('n', '0'));
// The SDK polls every 1000 ms by default; the emulator runs at a time scale, so the interval is scaled alike.
const pollInterval = Number(option('poll-ms', '100'));
const prompt = option('prompt', 'studio backdrop');
if (!folder || !(count > 0) || (mode !== 'sequential' && mode !== 'parallel')) {
  console.error('usage: node run.mjs --mode sequential|parallel --images <folder> --n <count> [--poll-ms 100]');
  process.exit(2);
}

const files = (await readdir(folder)).filter((f) => f.endsWith('.jpg')).sort().slice(0, count).map((f) => path.join(folder, f));
if (files.length !== count) {
  console.error(`expected ${count} images in ${folder}, found ${files.length}`);
  process.exit(2);
}

const client = new Fashn(); // apiKey from FASHN_API_KEY, baseURL from FASHN_BASE_URL

async function changeBackground(file) {
  const image = 'data:image/jpeg;base64,' + (await readFile(file)).toString('base64');
  return client.predictions.subscribe({
    model_name: 'background-change',
    inputs: { image, prompt },
    pollInterval,
  });
}

const outcomes = { completed: 0, failed: 0, thrown: 0, errors: {} };
function record(result, error) {
  if (error) {
    outcomes.thrown++;
    const name = error.constructor?.name + (error.status ? ' ' + error.status : '');
    outcomes.errors[name] = (outcomes.errors[name] ?? 0) + 1;
  } else if (result.status === 'completed') {
    outcomes.completed++;
  } else {
    outcomes.failed++;
    const name = result.error?.name ?? result.status;
    outcomes.errors[name] = (outcomes.errors[name] ?? 0) + 1;
  }
}

const cpuBefore = process.cpuUsage();
const started = performance.now();
if (mode === 'sequential') {
  // The README's form, one image after the other.
  for (const file of files) {
    try {
      record(await changeBackground(file));
    } catch (error) {
      record(null, error);
    }
  }
} else {
  // The naive parallel form: every image at once.
  const settled = await Promise.allSettled(files.map((file) => changeBackground(file)));
  for (const s of settled) record(s.status === 'fulfilled' ? s.value : null, s.status === 'rejected' ? s.reason : null);
}
const makespanSeconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);

console.log(JSON.stringify({
  mode,
  n: count,
  makespanSeconds,
  ...outcomes,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
}));
