/** Values a flow can hold in variables. */
export type VarValue = string | number | boolean | null;
