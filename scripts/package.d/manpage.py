#!/usr/bin/env python3
"""Writes hoptrace(1), one man(7) page covering every subcommand, from the command definitions.

Usage: hoptrace --experimental-dump-help | manpage.py VERSION DATE > hoptrace.1

The input is swift-argument-parser's description of the commands (abstracts, discussions,
arguments with their help, defaults and values). A discussion ends with blocks of the form
(Sources/hoptrace/HelpText.swift)

    Heading:
      entry (a command line, a number, a name)
        what it means

"Examples" blocks of all commands become the page's EXAMPLES section; the top-level command's
other blocks ("Exit status", "Environment", "Files") become sections of their own.
"""
import json
import re
import sys

HEADING = re.compile(r"^([A-Z][A-Za-z ]*):$")


def roff(text):
    """Escapes text for a roff text line (not a request): backslashes, hyphen-minus (kept as
    minus signs, so options can be copied), and every non-ASCII character as a named glyph."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\e")
        elif ch == "-":
            out.append("\\-")
        elif ord(ch) > 127:
            out.append("\\[u%04X]" % ord(ch))
        else:
            out.append(ch)
    line = "".join(out)
    # A line starting with "." or "'" would be read as a request.
    if line.startswith(".") or line.startswith("'"):
        line = "\\&" + line
    return line


def split_discussion(text):
    """The discussion's paragraphs, and its blocks as (heading, [(entry, description)])."""
    paragraphs, blocks = [], []
    current = []
    lines = (text or "").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = HEADING.match(line)
        if m and i + 1 < len(lines) and lines[i + 1].startswith("  ") and not lines[i + 1].startswith("    "):
            entries = []
            i += 1
            while i < len(lines) and lines[i].startswith("  "):
                term = lines[i].strip()
                desc = []
                i += 1
                while i < len(lines) and lines[i].startswith("    "):
                    desc.append(lines[i].strip())
                    i += 1
                entries.append((term, " ".join(desc)))
            blocks.append((m.group(1), entries))
            continue
        if line.strip() == "":
            if current:
                paragraphs.append(" ".join(current))
                current = []
        else:
            current.append(line.strip())
        i += 1
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs, blocks


def names(arg):
    result = []
    for n in arg.get("names") or []:
        dash = "--" if n["kind"] == "long" else "-"
        result.append(dash + n["name"])
    return result


def shown(arg):
    if not arg.get("shouldDisplay", True):
        return False
    # --help, and --version on the top-level command, are described once in OPTIONS.
    return not any(n in ("--help", "-h", "--version") for n in names(arg))


def synopsis_item(arg):
    value = arg.get("valueName") or "value"
    if arg["kind"] == "positional":
        item = "\\fI%s\\fR" % roff(value.upper())
        if arg.get("isRepeating"):
            item += " ..."
        return item if not arg.get("isOptional") else "[%s]" % item
    flag = "\\fB%s\\fR" % roff(names(arg)[0] if arg.get("preferredName") is None else preferred(arg))
    if arg["kind"] == "option":
        flag += " \\fI%s\\fR" % roff(value.upper())
    return "[%s]" % flag if arg.get("isOptional", True) else flag


def preferred(arg):
    p = arg["preferredName"]
    return ("--" if p["kind"] == "long" else "-") + p["name"]


def option_entry(arg):
    """A .TP entry: the names (and value) in bold, then the help with default and values."""
    value = arg.get("valueName") or "value"
    if arg["kind"] == "positional":
        head = "\\fI%s\\fR" % roff(value.upper())
    else:
        heads = []
        for n in names(arg):
            h = "\\fB%s\\fR" % roff(n)
            if arg["kind"] == "option":
                h += " \\fI%s\\fR" % roff(value.upper())
            heads.append(h)
        head = ", ".join(heads)
    text = (arg.get("abstract") or "").strip()
    if arg.get("discussion"):
        text += " " + arg["discussion"].strip()
    extras = []
    if arg.get("allValues") and arg["kind"] == "option":
        extras.append("one of: " + ", ".join(arg["allValues"]))
    if arg.get("defaultValue") not in (None, "") and arg["kind"] == "option":
        extras.append("default: " + arg["defaultValue"])
    if extras:
        text += " (" + "; ".join(extras) + ")"
    return [".TP", head, roff(text)]


def synopsis(path, command):
    items = [synopsis_item(a) for a in command.get("arguments") or [] if shown(a)]
    return [".B %s" % roff(path), " ".join(items)]


def main():
    version, date = sys.argv[1], sys.argv[2]
    root = json.load(sys.stdin)["command"]
    # ArgumentParser's own `help` subcommand is described under OPTIONS (--help).
    subcommands = [
        c for c in root.get("subcommands") or [] if c.get("shouldDisplay", True) and c["commandName"] != "help"
    ]
    default = root.get("defaultSubcommand")
    tool = root["commandName"]

    out = [
        '.\\" Generated by scripts/package.d/manpage.py from the command definitions; do not edit.',
        '.TH %s 1 "%s" "%s %s" "User Commands"' % (tool.upper(), date, tool, version),
        ".nh",  # no hyphenation: names and options are copied from the page
        ".SH NAME",
        "%s \\- %s" % (tool, roff(root.get("abstract", ""))),
        ".SH SYNOPSIS",
    ]
    for c in subcommands:
        out += synopsis("%s %s" % (tool, c["commandName"]), c)
        out.append(".br")
    if default:
        default_command = next(c for c in subcommands if c["commandName"] == default)
        out += synopsis(tool, default_command)
        out.append(".br")
    out += [".B %s" % tool, "\\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR [\\fB\\-\\-verbose\\fR]"]

    paragraphs, root_blocks = split_discussion(root.get("discussion"))
    out.append(".SH DESCRIPTION")
    for p in paragraphs:
        out += [".PP", roff(p)]

    out.append(".SH COMMANDS")
    examples = []
    for c in subcommands:
        name = c["commandName"]
        title = "%s %s" % (tool, name) + (" (the default)" if name == default else "")
        out += [".SS \"%s\"" % roff(title), roff(c.get("abstract", ""))]
        paragraphs, blocks = split_discussion(c.get("discussion"))
        for p in paragraphs:
            out += [".PP", roff(p)]
        for arg in c.get("arguments") or []:
            if shown(arg):
                out += option_entry(arg)
        for heading, entries in blocks:
            if heading == "Examples":
                examples.append((name, entries))

    out += [
        ".SH OPTIONS",
        "Every command also takes:",
        ".TP",
        "\\fB\\-h\\fR, \\fB\\-\\-help\\fR",
        "Show the command's help (\\fB%s help\\fR \\fICOMMAND\\fR for a subcommand's)." % tool,
        ".TP",
        "\\fB\\-\\-version\\fR",
        "Print the version and the commit of the build (first word: the version);"
        " with \\fB\\-\\-verbose\\fR, as \\fB%s version \\-\\-verbose\\fR." % tool,
    ]

    if examples:
        out.append(".SH EXAMPLES")
        for name, entries in examples:
            for command, description in entries:
                out += [".TP", "\\fB%s\\fR" % roff(command), roff(description)]

    for heading, entries in root_blocks:
        out.append(".SH %s" % heading.upper())
        for term, description in entries:
            out += [".TP", "\\fB%s\\fR" % roff(term), roff(description)]

    out += [
        ".SH SEE ALSO",
        "\\fBdot\\fR(1), \\fBmmdblookup\\fR(1), \\fBunbound\\-host\\fR(1)",
        ".PP",
        "The README (in the release, or /usr/share/doc/%s) describes the JSON output and every check." % tool,
    ]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
