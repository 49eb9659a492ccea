using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Aot.Generators.Naming;

/// <summary>
/// Turns ONNX names (anything: <c>input:0</c>, <c>2nd-input</c>, <c>onnx::Gather_0</c>, <c>all-MiniLM-L6-v2</c>)
/// into C# identifiers, deterministically.
/// </summary>
/// <remarks>
/// Words are runs of letters and digits; every other character separates them, and a lower-to-upper change (or the
/// last capital of a run of capitals before a lower-case letter) starts a new word. Each word is capitalised with the
/// rest in lower case, so <c>all-MiniLM-L6-v2</c> gives <c>AllMiniLmL6V2</c> and <c>last_hidden_state</c> gives
/// <c>LastHiddenState</c>. A name that would start with a digit gets a prefix saying what it is (<c>924</c> →
/// <c>Output924</c>); a name with no letters or digits falls back to the prefix and its position. Uniqueness is
/// <see cref="MemberNameTable"/>'s job.
/// </remarks>
internal static class IdentifierNames
{
    /// <summary>PascalCase of <paramref name="name"/>, or <paramref name="fallback"/> when it has no word characters.</summary>
    public static string ToPascalCase(string name, string digitPrefix, string fallback)
    {
        var result = new StringBuilder();
        foreach (string word in SplitWords(name))
        {
            SeparateDigits(result, word);
            AppendCapitalized(result, word);
        }

        return Finish(result, digitPrefix, fallback);
    }

    /// <summary>camelCase of <paramref name="name"/>, escaped with <c>@</c> when it is a C# keyword.</summary>
    public static string ToCamelCase(string name, string digitPrefix, string fallback)
    {
        var result = new StringBuilder();
        foreach (string word in SplitWords(name))
        {
            if (result.Length == 0)
            {
                result.Append(word.ToLowerInvariant());
            }
            else
            {
                SeparateDigits(result, word);
                AppendCapitalized(result, word);
            }
        }

        if (result.Length > 0 && char.IsDigit(result[0]))
        {
            // dim2d rather than Dim2d: the prefix is the first word of a camelCase name.
            result.Insert(0, digitPrefix.ToLowerInvariant());
        }

        string identifier = Finish(result, digitPrefix, fallback);
        return IsKeyword(identifier) ? "@" + identifier : identifier;
    }

    /// <summary>True when <paramref name="name"/> can be used as written (valid and not a keyword).</summary>
    public static bool IsValidIdentifier(string name) => SyntaxFacts.IsValidIdentifier(name) && !IsKeyword(name);

    /// <summary>True for a dotted name of valid identifiers (<c>My.App</c>).</summary>
    public static bool IsValidNamespace(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (string part in name.Split('.'))
        {
            if (!IsValidIdentifier(part))
            {
                return false;
            }
        }

        return true;
    }

    private static string Finish(StringBuilder result, string digitPrefix, string fallback)
    {
        if (result.Length == 0)
        {
            return fallback;
        }

        if (char.IsDigit(result[0]))
        {
            result.Insert(0, digitPrefix);
        }

        string identifier = result.ToString();
        return SyntaxFacts.IsValidIdentifier(identifier) ? identifier : fallback;
    }

    private static bool IsKeyword(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None;

    /// <summary>Keeps numbers apart: <c>resnet1.0-3</c> gives <c>Resnet1_0_3</c>, not <c>Resnet103</c>.</summary>
    private static void SeparateDigits(StringBuilder result, string word)
    {
        if (result.Length > 0 && char.IsDigit(result[result.Length - 1]) && char.IsDigit(word[0]))
        {
            result.Append('_');
        }
    }

    private static void AppendCapitalized(StringBuilder result, string word)
    {
        result.Append(char.ToUpperInvariant(word[0]));
        result.Append(word.Substring(1).ToLowerInvariant());
    }

    private static List<string> SplitWords(string name)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (!IsWordCharacter(c))
            {
                Flush(words, word);
                continue;
            }

            if (word.Length > 0 && char.IsUpper(c))
            {
                char previous = word[word.Length - 1];
                bool nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (char.IsLower(previous) || (char.IsUpper(previous) && nextIsLower))
                {
                    Flush(words, word); // miniLM → mini|LM; HTTPServer → HTTP|Server
                }
            }

            word.Append(c);
        }

        Flush(words, word);
        return words;
    }

    private static bool IsWordCharacter(char c)
    {
        if (char.IsLetterOrDigit(c))
        {
            // Letters of any script, and decimal digits only (no superscripts or fractions, which C# rejects).
            return !char.IsDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.DecimalDigitNumber;
        }

        UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(c);
        return category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
    }

    private static void Flush(List<string> words, StringBuilder word)
    {
        // A word cannot start with a combining mark whose base letter was a separator: drop such marks.
        int start = 0;
        while (start < word.Length && !char.IsLetterOrDigit(word[start]))
        {
            start++;
        }

        if (start < word.Length)
        {
            words.Add(word.ToString(start, word.Length - start));
        }

        word.Clear();
    }
}
