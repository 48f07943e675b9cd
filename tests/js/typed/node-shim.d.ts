// The little of Node's API the typed client uses (tests/js installs no @types/node).
declare const process: {
  argv: string[];
  exit(code: number): never;
  stdout: { write(text: string): boolean };
};
