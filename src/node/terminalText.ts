// Model and server text printed to a terminal must not drive it: escape sequences can clear the screen, rewrite
// earlier lines, set the window title, or (in some terminals) write to the clipboard or type into the prompt.

/** Complete escape sequences: CSI (7-bit and 8-bit), OSC / DCS / SOS / PM / APC strings, and two-byte escapes. */
const SEQUENCE = /\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b[\]P^_X][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)|\x1b[ -/]*[0-~]/g;
/** What is left of control characters once the sequences are gone: every C0/C1 control but newline and tab. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
/** An escape sequence cut off at the end of a chunk: held back until the next chunk completes it. */
const INCOMPLETE = /(?:\x1b(?:\[[0-?]*[ -/]*|[\]P^_X][^\x07\x1b\x9c]*\x1b?|[ -/]*)?|\x9b[0-?]*[ -/]*)$/;
/** A "sequence" longer than this is not one: drop its ESC and let the text through. */
const MAX_HELD = 4096;

export function stripTerminalControls(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(SEQUENCE, '').replace(CONTROL, '');
}

/** For streamed text, where one sequence may arrive split over several chunks. */
export class TerminalTextFilter {
  private held = '';

  push(chunk: string): string {
    let text = this.held + chunk;
    this.held = '';
    const cut = INCOMPLETE.exec(text);
    if (cut && cut[0] && cut[0].length <= MAX_HELD) {
      this.held = cut[0];
      text = text.slice(0, cut.index);
    }
    // A lone CR before the next chunk's LF is held too, so CRLF becomes one newline.
    if (text.endsWith('\r')) {
      this.held = `\r${this.held}`;
      text = text.slice(0, -1);
    }
    return stripTerminalControls(text);
  }

  /** Whatever is still held: never an escape sequence. */
  end(): string {
    const rest = stripTerminalControls(this.held);
    this.held = '';
    return rest;
  }
}
