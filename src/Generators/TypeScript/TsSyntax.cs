using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace TypedIo.Generators.TypeScript;

/// <summary>
/// Spelling TypeScript: identifiers, single-quoted literals, parentheses. Nothing produced here contains a double quote
/// (the build extracts the declarations from a C# verbatim string).
/// </summary>
internal static class TsSyntax
{
    /// <summary>A C# type name as people write it: without the <c>global::</c> qualifiers of fully qualified names.</summary>
    public static string CSharpDisplayName(string fullName) => fullName.Replace("global::", "");

    /// <summary>Words that cannot name a parameter (JavaScript reserved and strict-mode words).</summary>
    private static readonly HashSet<string> ReservedWords = new(StringComparer.Ordinal)
    {
        "arguments", "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do",
        "else", "enum", "eval", "export", "extends", "false", "finally", "for", "function", "if", "implements", "import", "in",
        "instanceof", "interface", "let", "new", "null", "package", "private", "protected", "public", "return", "static",
        "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield",
    };

    /// <summary>
    /// Names a declaration may not take: TypeScript's own type names (an interface cannot be called <c>string</c>) and the
    /// global types the declarations refer to, which a local declaration of the same name would shadow.
    /// </summary>
    private static readonly HashSet<string> ReservedTypeNames = new(StringComparer.Ordinal)
    {
        "any", "bigint", "boolean", "never", "number", "object", "string", "symbol", "undefined", "unknown",
        "Record", "ArrayBuffer", "ArrayBufferView", TypeScriptEmitter.RejectionTypeName, TypeScriptEmitter.ErrorEventTypeName,
    };

    /// <summary>Whether <paramref name="name"/> can be written unquoted as a property key (an ASCII identifier).</summary>
    public static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !IsAsciiIdentifierStart(name[0]))
            return false;
        for (var i = 1; i < name.Length; i++)
        {
            if (!IsAsciiIdentifierStart(name[i]) && name[i] is not (>= '0' and <= '9'))
                return false;
        }
        return true;
    }

    /// <summary>Whether a declaration cannot be called <paramref name="name"/>.</summary>
    public static bool IsReservedTypeName(string name) => WhyReserved(name) is not null;

    /// <summary>Why a declaration cannot be called <paramref name="name"/> (for TIO015), or null when it can.</summary>
    public static string? WhyReserved(string name) =>
        ReservedWords.Contains(name) ? "a reserved word of JavaScript"
        : name is TypeScriptEmitter.RejectionTypeName or TypeScriptEmitter.ErrorEventTypeName ? "the name of a type every TypedIo declaration file declares"
        : ReservedTypeNames.Contains(name) ? "the name of a TypeScript type the declarations use, which it would hide"
        : !IsIdentifier(name) ? "not an identifier"
        : null;

    /// <summary>A property key or event name: as is when it is an identifier, quoted otherwise.</summary>
    public static string PropertyKey(string name) => IsIdentifier(name) ? name : Quote(name);

    /// <summary>A parameter name TypeScript accepts, made from a C# one (which may be a JavaScript reserved word).</summary>
    public static string ParameterName(string name)
    {
        if (!IsIdentifier(name))
        {
            var builder = new StringBuilder(name.Length + 1);
            foreach (var c in name)
                builder.Append(IsAsciiIdentifierStart(c) || c is >= '0' and <= '9' ? c : '_');
            name = builder.Length == 0 || builder[0] is >= '0' and <= '9' ? "_" + builder : builder.ToString();
        }
        return ReservedWords.Contains(name) ? name + "_" : name;
    }

    /// <summary>A single-quoted string literal; <c>'</c> and <c>\</c> are escaped, a double quote and control characters too.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\'': builder.Append("\\'"); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c == '"' || c < ' ' || c is '\u2028' or '\u2029' or '\u007f')
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        builder.Append(c);
                    break;
            }
        }
        return builder.Append('\'').ToString();
    }

    /// <summary>
    /// Text for the inside of a <c>/** ... */</c> comment: one line, no <c>*/</c>, no double quote. Meant for regular
    /// expressions, so the replacements keep the meaning (<c>\x22</c> and <c>*\/</c> match what they replace).
    /// </summary>
    public static string CommentText(string text) =>
        text.Replace("*/", "*\\/").Replace("\"", "\\x22").Replace("\r", "\\r").Replace("\n", "\\n");

    /// <summary><c>T | null</c>, once.</summary>
    public static string OrNull(string type) =>
        type is "unknown" || type.EndsWith(" | null", StringComparison.Ordinal) ? type : type + " | null";

    /// <summary><c>T[]</c>, with parentheses around a union.</summary>
    public static string ArrayOf(string element) => NeedsParentheses(element) ? $"({element})[]" : element + "[]";

    /// <summary>Whether <paramref name="type"/> has a <c>|</c>, <c>&amp;</c> or <c>=&gt;</c> outside brackets and literals.</summary>
    public static bool NeedsParentheses(string type)
    {
        var depth = 0;
        for (var i = 0; i < type.Length; i++)
        {
            var c = type[i];
            switch (c)
            {
                case '\'':
                    for (i++; i < type.Length && type[i] != '\''; i++)
                    {
                        if (type[i] == '\\')
                            i++;
                    }
                    break;
                case '(' or '<' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    depth--;
                    break;
                case '>':
                    if (i > 0 && type[i - 1] == '=')
                    {
                        if (depth == 0)
                            return true;
                    }
                    else
                    {
                        depth--;
                    }
                    break;
                case '|' or '&':
                    if (depth == 0)
                        return true;
                    break;
            }
        }
        return false;
    }

    internal static bool IsAsciiIdentifierStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or '$';
}
