export default async function globalTeardown() {
  const standIns = globalThis.__standIns;
  if (!standIns) return;
  await standIns.sqs.stop();
  await new Promise((resolve) => standIns.dynamo.close(resolve));
}
