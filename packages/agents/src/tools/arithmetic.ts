/**
 * Evaluates an arithmetic expression: numbers, + - * / % ^, unary minus and parentheses.
 * A small recursive-descent parser: no `eval`, so no code can be smuggled in.
 */
export function evaluateArithmetic(expression: string): number {
  const parser = new ArithmeticParser(expression);
  const value = parser.parseExpression();
  parser.expectEnd();
  if (!Number.isFinite(value)) throw new RangeError('result is not a finite number');
  return value;
}

class ArithmeticParser {
  readonly #text: string;
  #position = 0;

  constructor(text: string) {
    this.#text = text;
  }

  parseExpression(): number {
    let value = this.#parseTerm();
    for (let op = this.#peek(); op === '+' || op === '-'; op = this.#peek()) {
      this.#position += 1;
      const right = this.#parseTerm();
      value = op === '+' ? value + right : value - right;
    }
    return value;
  }

  expectEnd(): void {
    if (this.#peek() !== undefined) throw this.#error('unexpected character');
  }

  #parseTerm(): number {
    let value = this.#parsePower();
    for (let op = this.#peek(); op === '*' || op === '/' || op === '%'; op = this.#peek()) {
      this.#position += 1;
      const right = this.#parsePower();
      value = op === '*' ? value * right : op === '/' ? value / right : value % right;
    }
    return value;
  }

  #parsePower(): number {
    const base = this.#parseUnary();
    if (this.#peek() !== '^') return base;
    this.#position += 1;
    return base ** this.#parsePower();
  }

  #parseUnary(): number {
    const op = this.#peek();
    if (op === '-' || op === '+') {
      this.#position += 1;
      const value = this.#parseUnary();
      return op === '-' ? -value : value;
    }
    return this.#parseAtom();
  }

  #parseAtom(): number {
    if (this.#peek() === '(') {
      this.#position += 1;
      const value = this.parseExpression();
      if (this.#peek() !== ')') throw this.#error('expected ")"');
      this.#position += 1;
      return value;
    }
    const match = /^\d+(\.\d+)?([eE][+-]?\d+)?|^\.\d+/.exec(this.#text.slice(this.#position));
    if (!match) throw this.#error('expected a number');
    this.#position += match[0].length;
    return Number(match[0]);
  }

  #peek(): string | undefined {
    while (this.#text[this.#position] === ' ' || this.#text[this.#position] === '\t') this.#position += 1;
    return this.#text[this.#position];
  }

  #error(message: string): SyntaxError {
    return new SyntaxError(`${message} at position ${this.#position + 1}`);
  }
}
