/**
 * Secrets flows refer to by name ({{secret:NAME}} in an http node), revealed only while a call runs a
 * node that needs one. The engine keeps them sealed in the store; the simulator has stand-ins.
 */
export interface SecretSource {
  /** The value of the secret, or undefined when no secret has that name. */
  reveal(name: string): Promise<string | undefined>;
}
