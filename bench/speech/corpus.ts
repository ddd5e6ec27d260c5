/**
 * The speech corpus: what residents say when the council asks "what are you calling about?", each
 * with the route a person would choose for it. Written as people talk — many phrasings per service,
 * safeguarding said plainly and obliquely, negations, a word two services share, and talk about
 * something else (which should be "no match": the caller then gets the keypad).
 *
 * Written without reference to the main line's keyword lists' wording, and not edited to fit them.
 * A quarter of the corpus (chosen by a hash of the words, so it does not move when lines are added)
 * is HELD OUT: nobody tuning keyword lists or the recogniser looks at its results; the bench reports
 * it separately so tuning to the rest shows up as a gap between the two.
 */
import { createHash } from 'node:crypto';

export type Route = 'highways' | 'blue-badge' | 'social-care' | 'libraries' | 'payments' | 'person' | 'safeguarding' | 'none';
export type Kind = 'plain' | 'oblique' | 'negation' | 'shared' | 'off-topic';

export interface Utterance {
  id: string;
  text: string;
  route: Route;
  kind: Kind;
  heldOut: boolean;
}

const lines: Record<Route, Partial<Record<Kind, string[]>>> = {
  highways: {
    plain: [
      "I want to report a pothole",
      "there's a massive pothole on Station Road",
      "I'd like to report a pothole outside the school",
      "there's a pot hole on the corner of Mill Lane that's getting bigger",
      "the street light outside my house isn't working",
      "a street light's been out for two weeks on Church Street",
      "the lamp post at the end of our road keeps flickering",
      "can you fix the street lamp by the bus stop",
      "the pavement on the high street is all broken up",
      "there's a broken paving slab outside the post office",
      "my road hasn't been gritted and it's like an ice rink",
      "when are the gritters coming out on our road",
      "the drain outside my house is blocked and the road's flooding",
      "there's a blocked drain on Park Avenue",
      "the road is flooded by the bridge",
      "a tree's come down across the lane",
      "there's a fallen tree blocking the road",
      "the traffic lights on the ring road aren't working",
      "a road sign has been knocked over at the roundabout",
      "the white lines have worn away outside the school",
      "I need to report some damage to the road",
      "the kerb is broken outside number twelve",
      "the hedges are overgrown and you can't see round the corner",
      "there's a hole in the road on Queen Street",
      "the cycle path is covered in broken glass",
      "I want to complain about the state of the roads round here",
      "there are roadworks that have been left for weeks",
      "the footpath by the river is really uneven",
      "the speed bumps on our street are falling apart",
      "who do I talk to about the verge outside my house",
      "the road surface on Hill Road is breaking up",
      "there's a crater in the road near the garage",
      "I'm phoning about a street light",
      "highways please",
      "roads",
      "a pothole burst my tyre on the A road",
    ],
    shared: [
      "a tree has fallen on the road",
      "a street light has fallen over in the wind",
      "I need a dropped kerb outside my house",
    ],
    negation: [
      "I don't want to pay anything, I want to report a pothole",
    ],
  },
  'blue-badge': {
    plain: [
      "I want to apply for a blue badge",
      "I need to renew my blue badge",
      "my blue badge runs out next month",
      "how do I get a blue badge for my mum",
      "I've lost my blue badge",
      "my blue badge was stolen from the car",
      "I'm calling about a disabled badge",
      "can I get a disabled parking badge",
      "I'm disabled and I need a badge for the car",
      "I've been waiting ages for my blue badge to come",
      "I want to check on my blue badge application",
      "my husband's blue badge needs renewing",
      "I'd like a disabled parking bay outside my house",
      "blue badge",
      "it's about my badge",
      "how long does a blue badge application take",
      "can my daughter use my blue badge",
      "I need a new photo for my blue badge",
    ],
    shared: [
      "I want to pay for my blue badge",
      "I got a parking ticket while I was displaying my blue badge",
    ],
  },
  'social-care': {
    plain: [
      "I'd like a care assessment for my dad",
      "I need some help at home",
      "my mum needs carers coming in",
      "I want to ask about home care",
      "I'm looking for a care home for my father",
      "I want to talk to my social worker",
      "can I speak to adult social care",
      "my dad has dementia and I can't manage anymore on my own",
      "I'm a carer for my wife and I need some respite",
      "I'd like to ask about meals on wheels",
      "my care package needs reviewing",
      "the carers didn't turn up this morning",
      "I need a stair lift fitted",
      "can someone come and put grab rails in the bathroom",
      "I want an occupational therapist to see my mum",
      "I'm asking about direct payments for my care",
      "my father needs more support since he came out of hospital",
      "my nan needs looking after, she's getting frail",
      "I need to arrange care for my elderly mother",
      "social services please",
      "it's about the day centre my brother goes to",
      "I'm calling about a nursing home place",
      "I look after my husband and I'm struggling",
      "what support is there for elderly people living alone",
      "I want to ask about a personal budget",
      "my aunt needs a needs assessment",
    ],
    shared: [
      "I want to know how much I have to pay for my mum's care home",
      "I have a question about my direct payments",
    ],
  },
  libraries: {
    plain: [
      "what time does the library open",
      "I want to renew my library books",
      "I've lost my library card",
      "can I renew a book over the phone",
      "is the library open on Sunday",
      "I'd like to join the library",
      "my books are overdue",
      "how do I borrow e-books",
      "I want to reserve a book",
      "the library",
      "I'm phoning about the mobile library",
      "does the library have computers I can use",
      "I returned my books but it says I've still got them",
      "can I borrow audio books from the library",
    ],
    shared: [
      "I've got a fine on my library card",
    ],
  },
  payments: {
    plain: [
      "I want to pay my council tax",
      "I'd like to make a payment",
      "I need to pay a parking fine",
      "I've got a penalty charge notice to pay",
      "can I pay my council tax bill by card",
      "I want to pay an invoice",
      "I got a parking ticket and I want to pay it",
      "I'd like to set up a direct debit for my council tax",
      "I've fallen behind with my council tax",
      "I owe some council tax and want to sort it out",
      "I'm in arrears with my council tax",
      "payments",
      "I want to pay my bill",
      "I've had a bill from the council",
      "how do I pay for my garden waste bin",
      "I need to pay for a replacement bin",
      "I've received a penalty notice",
      "can I pay my rent",
    ],
    negation: [
      "I'm not hurt or anything, I just want to pay my council tax",
      "nobody's hurt, I only need to pay a parking fine",
      "it's not about abuse, it's my council tax bill",
      "I'm not in any danger, I just want to pay a bill",
    ],
  },
  person: {
    plain: [
      "can I speak to someone please",
      "I want to talk to a real person",
      "put me through to an operator",
      "I'd like to speak to an adviser",
      "can I talk to somebody",
      "customer services",
      "I just want to speak to a human",
      "I need to speak to someone, it's complicated",
      "reception please",
      "speak to someone",
    ],
  },
  safeguarding: {
    plain: [
      "my mum has fallen and can't get up",
      "my dad fell over and he's on the floor",
      "I've had a fall and I can't get up",
      "my husband has fallen in the bathroom",
      "my neighbour has had a fall and she's hurt",
      "I'm being abused by my partner",
      "my son hits me",
      "my partner hit me last night",
      "I'm scared of my husband",
      "I don't feel safe at home",
      "I'm not safe here",
      "my carer is hurting my mum",
      "I think my elderly neighbour is being neglected",
      "someone is taking money from my dad",
      "my daughter's boyfriend is violent",
      "he threatened to kill me",
      "I want to kill myself",
      "I've been thinking about ending my life",
      "I'm frightened to go home",
      "my brother beat me up",
      "my father is being abused in his care home",
      "there's domestic violence next door",
      "I'm worried my mum is at risk",
      "she's been attacked",
      "my grandad is injured",
      "I'm hurt",
      "my mum fell down the stairs",
      "my wife keeps falling and I can't lift her",
      "I'm terrified of my son",
      "he's been hitting her",
      "somebody is hurting my sister",
      "I'm in danger",
      "my uncle has self harmed",
      "my mum's carer has been stealing from her",
    ],
    oblique: [
      "my dad hasn't eaten for days and the house is freezing",
      "my neighbour hasn't been seen for a week and her curtains are still shut",
      "my son takes all my pension and won't let me go out",
      "I'm scared to go back to the house",
      "my mum is on the floor and she's not answering me",
      "he says he'll hurt me if I tell anyone",
      "my gran keeps wandering out at night in her nightie",
      "the old man next door has no heating and no food",
      "my mum's bruised all over and won't say why",
      "I can't cope anymore and I don't know what I'll do",
      "my friend's husband controls everything, she's not allowed out",
      "my dad is left on his own all day and can't get to the toilet",
      "there's an old lady shouting for help in the flat upstairs",
      "I think someone's exploiting my brother, he has learning difficulties",
      "my neighbour's kids are left alone all the time",
      "my mother's been lying on the floor since this morning",
      "I don't want to live anymore",
      "my aunt has slipped in the garden and hurt her hip",
    ],
    negation: [
      "I'm not safe at home, my husband hits me",
      "no, I've been hit",
      "it's not a pothole, my dad has fallen in the street",
      "I can't pay my bills because my son takes all my money",
    ],
  },
  none: {
    'off-topic': [
      "what time is the football on tonight",
      "I'd like to order a pizza",
      "the weather's been lovely this week",
      "is this the right number for the dentist",
      "I want to book a table for two",
      "what's the score in the cricket",
      "can you tell me a joke",
      "my phone keeps cutting out",
      "hello, hello, can you hear me",
      "I'm just ringing to see what this number is",
      "um, I'm not sure really",
      "sorry, wrong number",
      "where's the nearest train station",
      "I want to buy some concert tickets",
      "my internet's really slow",
      "what's the time",
      "I'm looking for my cat",
      "can I get a taxi",
      "is the swimming pool open",
      "I want to cancel my gym membership",
      "the television's gone all fuzzy",
      "I'd like to speak to the manager of the supermarket",
      "test test one two three",
      "yes",
      "no",
      "erm",
    ],
  },
};

function heldOut(text: string): boolean {
  return createHash('sha256').update(text.toLowerCase()).digest()[0]! % 4 === 0;
}

/** The whole corpus, in a fixed order. */
export function corpus(): Utterance[] {
  const out: Utterance[] = [];
  for (const [route, kinds] of Object.entries(lines) as Array<[Route, Partial<Record<Kind, string[]>>]>) {
    for (const [kind, texts] of Object.entries(kinds) as Array<[Kind, string[]]>) {
      texts.forEach((text, i) => out.push({ id: `${route}.${kind}.${i + 1}`, text, route, kind, heldOut: heldOut(text) }));
    }
  }
  const seen = new Set<string>();
  for (const u of out) {
    const key = u.text.toLowerCase();
    if (seen.has(key)) throw new Error(`the corpus says "${u.text}" twice`);
    seen.add(key);
  }
  return out;
}

/** How residents start and end what they say; the generator wraps each line once more with one pair. */
const OPENERS = ['Hi, ', 'Hello, ', 'Yes hello, ', 'Um, ', 'Good morning, ', 'Hiya, ', 'Right, ', 'Oh hello, ', 'Erm, hi, '];
const CLOSERS = ['', '', ', please', ', thanks', ', thank you', " if that's alright"];

/**
 * The corpus the bench uses: every line as written and once more as a caller might wrap it
 * ("Hiya, I need to renew my blue badge, thanks"), held out together with the line it wraps.
 */
export function generatedCorpus(): Utterance[] {
  return corpus().flatMap((u) => {
    const hash = createHash('sha256').update(u.text).digest();
    const opener = OPENERS[hash[1]! % OPENERS.length]!;
    const closer = CLOSERS[hash[2]! % CLOSERS.length]!;
    const first = u.text.charAt(0);
    const body = (first === 'I' && /^I\b/.test(u.text) ? first : first.toLowerCase()) + u.text.slice(1);
    return [u, { ...u, id: `${u.id}.wrapped`, text: `${opener}${body}${closer}` }];
  });
}
