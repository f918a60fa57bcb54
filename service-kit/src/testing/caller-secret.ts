/** The caller-signing secret tests share between the clients and the servers they start. */
export const testCallerSecret: string = "trellis-test-caller-secret-0123456789abcdef";
