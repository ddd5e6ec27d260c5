/** How big a node is drawn, from how many exits it has (no imports: the store and the canvas both use it). */
export const NODE_WIDTH = 220;
/** Wide enough that each exit's label has room under the node. */
export const nodeWidth = (outcomes: number) => Math.max(NODE_WIDTH, outcomes * 76);
/** Height grows with the outcome rows the node shows. */
export const nodeHeight = (outcomes: number) => 110 + outcomes * 2;
