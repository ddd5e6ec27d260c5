/**
 * The safeguarding words a queue that listens to its waiting callers starts with (queue settings,
 * `listening`): what a council's safeguarding team would write — falls, harm, abuse, neglect, feeling
 * unsafe, self-harm, exploitation, in English and Welsh — and phrases that sound like harm but belong
 * to another service ("I've fallen behind with my rent", "a tree has fallen"). The example main line's
 * speech node carries its own copy, which its designers edit in the flow.
 */
export const SAFEGUARDING_PHRASES: readonly string[] = [
  'fallen', 'fall', 'on the floor', 'can not get up', 'hurt', 'injured', 'bleeding', 'harm', 'abuse', 'abusive', 'neglect',
  'not safe', 'feel unsafe', 'unsafe at home', 'in danger', 'at risk', 'scared', 'frightened', 'terrified', 'afraid of',
  'threatened', 'threatening me', 'hit me', 'hit her', 'hit him', 'beat', 'beaten up', 'attacked', 'assaulted', 'violent',
  'violence', 'domestic', 'kill myself', 'end my life', 'suicide', 'suicidal', 'self harm', 'exploiting', 'not eating',
  'no food', 'no heating', 'left alone', 'nobody looking after', 'no one looking after', 'not coping', 'can not cope',
  'wandering', 'vulnerable', 'take money', 'steal from', 'not been seen', 'not allowed out', 'controlling me', 'controls me',
  'left on my own', 'shouting for help', 'crying for help', 'screaming',
  'wedi cwympo', 'cam-drin', 'ddim yn ddiogel', 'wedi brifo', 'ofn',
];

export const NOT_SAFEGUARDING_PHRASES: readonly string[] = [
  'fallen behind', 'fall behind', 'falling behind', 'behind with', 'fallen tree', 'tree has fallen', 'tree fell', 'light has fallen',
  'lamp post has fallen', 'sign has fallen', 'wall has fallen', 'fence has fallen', 'bins have fallen', 'fallen leaves',
];
