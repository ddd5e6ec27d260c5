/** How big a node is drawn, from its exits (no imports: the store and the canvas both use it). */
export const NODE_WIDTH = 240;
/** Room one exit's label needs under the node, in canvas pixels (11 px text). */
export const exitWidth = (label: string) => Math.max(64, Math.min(150, Math.round(label.length * 6.4 + 18)));
/** Wide enough that each exit's label can be read under the node: a count of exits, or their labels. */
export const nodeWidth = (exits: number | readonly string[]) =>
  typeof exits === 'number' ? Math.max(NODE_WIDTH, exits * 76) : Math.max(NODE_WIDTH, exits.reduce((sum, label) => sum + exitWidth(label), 0));
/** Height of a node as drawn (its header, name, two summary lines and the exits row). */
export const nodeHeight = (_exits: number | readonly string[] = 0) => 132;
