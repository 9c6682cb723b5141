import { captureOutput, leakedSecrets } from './log-capture';

test('captures what the process writes, and finds a secret in it by position only', () => {
  const output = captureOutput();
  try {
    process.stdout.write('{"level":"INFO","message":"ok"}\n');
    process.stderr.write(Buffer.from('token=SECRET-VALUE-1234\n'));
  } finally {
    output.stop();
  }
  expect(output.lines).toHaveLength(2);
  expect(leakedSecrets(output.lines, ['not-there-at-all', 'SECRET-VALUE-1234'])).toEqual([1]);
  expect(leakedSecrets(output.lines, ['ok'])).toEqual([]); // too short to mean anything
});
