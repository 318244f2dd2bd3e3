// The test driver of sign.js in Node: `node sign_driver.mjs <sign.mjs> <job.json>`.
//
// job.json: { "tasks": [ { "p12": path, "password": string,
//                          "content": path (absent: only open the key file),
//                          "out": path for the CMS, "detached": bool,
//                          "signingTime": ISO string (absent: now), "withChain": bool,
//                          "contentAsString": bool (hand signCms a string: a bad input),
//                          "bench": n (time n more signatures) } ] }
// stdout: one JSON array, a result per task:
//   { "ok": true, "keyFile": { … the KeyFile without its CryptoKey … }, "openMs", "signMs",
//     "benchMs" (mean of the bench signatures) }
//   { "ok": false, "code": error.code, "name": error.name, "message": error.message }

import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

const [modulePath, jobPath] = process.argv.slice(2);
const { openKeyFile, signCms, SignError, ERROR_CODES } = await import(pathToFileURL(modulePath).href);
const job = JSON.parse(await readFile(jobPath, 'utf8'));

function summary(keyFile) {
  const { privateKey, certificate, chain, notBefore, notAfter, ...rest } = keyFile;
  return {
    ...rest,
    certificateHex: Buffer.from(certificate).toString('hex'),
    chain: chain.length,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    privateKey: {
      type: privateKey.type,
      extractable: privateKey.extractable,
      usages: privateKey.usages,
      algorithm: privateKey.algorithm.name,
    },
  };
}

const results = [];
for (const task of job.tasks) {
  try {
    let t = performance.now();
    const keyFile = await openKeyFile(new Uint8Array(await readFile(task.p12)), task.password);
    const result = { ok: true, keyFile: summary(keyFile), openMs: performance.now() - t };
    if (task.content !== undefined) {
      const bytes = new Uint8Array(await readFile(task.content));
      const content = task.contentAsString ? new TextDecoder().decode(bytes) : bytes;
      const options = { detached: Boolean(task.detached) };
      if (task.signingTime) options.signingTime = new Date(task.signingTime);
      if (task.withChain !== undefined) options.withChain = task.withChain;
      t = performance.now();
      const cms = await signCms(keyFile, content, options);
      result.signMs = performance.now() - t;
      await writeFile(task.out, cms);
      if (task.bench) {
        t = performance.now();
        for (let i = 0; i < task.bench; i++) await signCms(keyFile, content, options);
        result.benchMs = (performance.now() - t) / task.bench;
      }
    }
    results.push(result);
  } catch (e) {
    results.push({
      ok: false,
      code: e.code ?? null,
      name: e.name,
      isSignError: e instanceof SignError,
      documented: Object.hasOwn(ERROR_CODES, e.code ?? ''),
      message: e.message,
    });
  }
}
process.stdout.write(JSON.stringify(results));
