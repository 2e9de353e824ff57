// FASHN's official TypeScript SDK (npm `fashn`, as bench/sdk-baseline pins it), used unchanged against the emulator:
// background-change and edit through `predictions.subscribe` and through `run` + `status`. Prints one JSON line of what
// it saw; SdkTests.cs runs it and checks that line.
//
//   node sdk-check.mjs <photo.jpg> <context.png>
//
// Base URL and key come from FASHN_BASE_URL and FASHN_API_KEY, the SDK's own variables.
import { readFile } from 'node:fs/promises';
import Fashn from 'fashn';

const [photoPath, contextPath] = process.argv.slice(2);
const client = new Fashn();
const image = 'data:image/jpeg;base64,' + (await readFile(photoPath)).toString('base64');
const imageContext = 'data:image/png;base64,' + (await readFile(contextPath)).toString('base64');
// The emulator runs at a time scale; the SDK's 1 s poll interval is scaled alike.
const pollInterval = 20;

async function download(url) {
  const response = await fetch(url);
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, contentType: response.headers.get('content-type'), pngSignature: bytes.subarray(1, 4).toString() === 'PNG' };
}

function described(result) {
  return {
    status: result.status,
    creditsUsed: result.creditsUsed ?? null,
    error: result.error ?? null,
    outputs: (result.output ?? []).map((output) => output.slice(0, 22)),
    distinctOutputs: new Set(result.output ?? []).size,
  };
}

const seen = {};

const backgroundChange = await client.predictions.subscribe({
  model_name: 'background-change',
  inputs: { image, prompt: 'studio backdrop' },
  pollInterval,
});
seen.backgroundChange = { ...described(backgroundChange), downloads: await Promise.all((backgroundChange.output ?? []).map(download)) };

// The 0.11 SDK's types may not know every edit input; JavaScript does not check types at run time.
seen.editSubscribe = described(await client.predictions.subscribe({
  model_name: 'edit',
  inputs: { image, prompt: 'replace the background with this scene', image_context: imageContext, resolution: '1k', generation_mode: 'quality', num_images: 2, return_base64: true },
  pollInterval,
}));

const run = await client.predictions.run({ model_name: 'edit', inputs: { image, prompt: 'replace the background with a beach at sunset' } });
let status;
do {
  await new Promise((resolve) => setTimeout(resolve, pollInterval));
  status = await client.predictions.status(run.id);
} while (['starting', 'in_queue', 'processing'].includes(status.status));
seen.editRunStatus = { runError: run.error, ...described(status), downloads: await Promise.all((status.output ?? []).map(download)) };

// The statuses the service's schema lists beyond completed and failed end subscribe too.
seen.timeOut = described(await client.predictions.subscribe(
  { model_name: 'edit', inputs: { image, prompt: 'beach' }, pollInterval },
  { headers: { 'X-Emulator-Fault': 'time_out' } },
));

try {
  await client.predictions.run({ model_name: 'edit', inputs: { image, prompt: 'beach', resolution: '8k' } });
  seen.badRequest = { thrown: false };
} catch (error) {
  seen.badRequest = { thrown: true, status: error.status ?? null, error: error.error?.error ?? null };
}

console.log(JSON.stringify(seen));
