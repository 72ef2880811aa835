// Test-only preload (`NODE_OPTIONS=--import …`): SIGKILLs the process right after SES has answered its
// KILL_AFTER_SES_SENDS-th SendRawEmail, before the sender can record the message: the worst moment to die.
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';

const limit = Number(process.env.KILL_AFTER_SES_SENDS);
if (Number.isInteger(limit) && limit > 0) {
  const send = SESClient.prototype.send;
  let accepted = 0;
  SESClient.prototype.send = async function (command, ...rest) {
    const answer = await send.call(this, command, ...rest);
    if (command instanceof SendRawEmailCommand && ++accepted >= limit) process.kill(process.pid, 'SIGKILL');
    return answer;
  };
}
