import type { Clock } from '../../../ports/clock.js';
import type { SipDialog, SipRequest, SipResponse } from './sip.js';

/**
 * REFER the far end of `dialog` to `referTo` (RFC 3515) and follow its NOTIFYs: resolves with the final
 * status they report (200 when the transfer worked), undefined when none came within `waitMs` (or the
 * signal aborted), 'refused' when the REFER itself was refused (the far end does not do transfers).
 */
export async function referAndWait(dialog: SipDialog, clock: Clock, referTo: string, waitMs: number, signal: AbortSignal): Promise<number | 'refused' | undefined> {
  const stopWaiting = new AbortController();
  const notified = new Promise<number | undefined>((resolve) => {
    const onNotify = (req: SipRequest, res: SipResponse) => {
      res.send(200);
      const status = /^SIP\/2\.0\s+(\d{3})/.exec(req.body ?? '')?.[1];
      if (status && Number(status) >= 200) {
        dialog.removeListener('notify', onNotify);
        resolve(Number(status));
      }
    };
    dialog.on('notify', onNotify);
    clock.sleep(waitMs, AbortSignal.any([signal, stopWaiting.signal])).then(
      () => resolve(undefined),
      () => resolve(undefined),
    );
  });
  let response: { status: number };
  try {
    response = await dialog.request({ method: 'REFER', headers: { 'Refer-To': referTo, 'Referred-By': `<${dialog.local.uri ?? 'sip:frontdoor'}>` } });
  } catch {
    stopWaiting.abort();
    return 'refused';
  }
  if (response.status >= 300) {
    stopWaiting.abort();
    return 'refused';
  }
  const final = await notified;
  stopWaiting.abort();
  return final;
}
