/** What callers hear in a queue (version 2), in English and Welsh; each is a node param a designer may change. */
export const QUEUE_TEXT = {
  position: {
    'en-GB': 'You are number {{queuePosition}} in the queue.',
    'cy-GB': 'Rydych chi’n rhif {{queuePosition}} yn y ciw.',
  },
  wait: {
    'en-GB': 'We expect to answer your call within {{waitMinutes}} minutes. Thank you for waiting.',
    'cy-GB': 'Rydyn ni’n disgwyl ateb eich galwad o fewn {{waitMinutes}} munud. Diolch am aros.',
  },
  waitShort: {
    'en-GB': 'We expect to answer your call shortly. Thank you for waiting.',
    'cy-GB': 'Rydyn ni’n disgwyl ateb eich galwad cyn bo hir. Diolch am aros.',
  },
  callbackOffer: {
    'en-GB': 'To be called back instead, without losing your place in the queue, press {{callbackKey}}.',
    'cy-GB': 'I gael galwad yn ôl yn lle hynny, heb golli eich lle yn y ciw, pwyswch {{callbackKey}}.',
  },
  messageOffer: {
    'en-GB': 'To leave a message instead, press {{messageKey}}.',
    'cy-GB': 'I adael neges yn lle hynny, pwyswch {{messageKey}}.',
  },
  confirmNumber: {
    'en-GB': 'We will call you back on {{callbackNumber}}. Press 1 to confirm, or 2 to give a different number.',
    'cy-GB': 'Byddwn yn eich ffonio’n ôl ar {{callbackNumber}}. Pwyswch 1 i gadarnhau, neu 2 i roi rhif gwahanol.',
  },
  enterNumber: {
    'en-GB': 'Please key in the number we should call, then press hash.',
    'cy-GB': 'Rhowch y rhif y dylen ni ei ffonio, yna pwyswch yr allwedd hash.',
  },
  callbackBooked: {
    'en-GB': 'Thank you. You keep your place in the queue, and we will call you back when it is your turn. You can hang up now. Goodbye.',
    'cy-GB': 'Diolch. Rydych chi’n cadw eich lle yn y ciw, a byddwn yn eich ffonio’n ôl pan ddaw eich tro. Gallwch roi’r ffôn i lawr nawr. Hwyl fawr.',
  },
  callbackNotBooked: {
    'en-GB': 'You are still in the queue.',
    'cy-GB': 'Rydych chi’n dal yn y ciw.',
  },
};
