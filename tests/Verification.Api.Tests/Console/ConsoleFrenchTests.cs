using System.Globalization;
using System.Resources;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Verification.Api.Tests.Infrastructure;
using Verification.Api.WebConsole;
using Verification.Persistence;

namespace Verification.Api.Tests.WebConsole;

/// <summary>
/// Every console page in French: none of the console's own English words (every English value of ConsoleText.resx
/// that differs from its French) appears on the page. Domain values (claim titles, summaries, origins, file names: what
/// people wrote) stay in the language they were written in and are taken out of the page's text first.
/// </summary>
public sealed class ConsoleFrenchTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task Every_page_in_French_shows_none_of_the_consoles_English_words()
    {
        await using var api = await TestApi.StartOnKestrelAsync(DatabaseProvider.Sqlite);
        var pages = await ConsoleScenario.BuildAsync(api);
        var sessions = new ConsoleScenario.Sessions(browser, api, locale: "fr-FR");
        var english = EnglishWords();
        Assert.True(english.Count > 300, $"only {english.Count} English words found in the resources");
        var domain = DomainTexts();

        var failures = new List<string>();
        foreach (var entry in pages)
        {
            var context = await sessions.ContextForAsync(entry, width: 1280, height: 900);
            var page = await context.NewPageAsync();
            var response = await page.GotoAsync(entry.Path);
            Assert.True(response!.Ok, $"{entry.Name}: {response.Status}");
            Assert.Equal("fr", await page.Locator("html").GetAttributeAsync("lang"));
            // What a person reads: the visible text, the title, and the words in attributes (placeholders, labels for
            // screen readers, values of buttons).
            // The history's recorded details ([data-recorded]) are the audit's own words, shown as they were recorded.
            var text = await page.EvaluateAsync<string>("""
                () => [document.title,
                       (b => { b.querySelectorAll('[data-recorded]').forEach(e => e.remove()); return b.innerText; })(document.body.cloneNode(true)),
                       ...[...document.querySelectorAll('[aria-label],[title],[placeholder]')]
                          .flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('title'), e.getAttribute('placeholder')])
                          .filter(v => v)].join('\n')
                """);
            foreach (var value in domain)
                text = text.Replace(value, " ", StringComparison.Ordinal);
            foreach (var (key, word) in english)
                if (Regex.IsMatch(text, $@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(word)}(?![\p{{L}}\p{{N}}])"))
                    failures.Add($"{entry.Name} ({entry.Path}): \"{word}\" ({key})");
            await context.CloseAsync();
        }
        Assert.True(failures.Count == 0, "English on French pages:\n" + string.Join("\n", failures));
    }

    /// <summary>
    /// The English words of the console that have a different French: each value split at its placeholders ({0}), the
    /// pieces with at least four letters kept (shorter ones such as "Du" or "À" are ambiguous across the two languages).
    /// </summary>
    private static List<(string Key, string Word)> EnglishWords()
    {
        var resources = new ResourceManager(typeof(ConsoleText));
        var neutral = resources.GetResourceSet(CultureInfo.InvariantCulture, true, true)!;
        var french = resources.GetResourceSet(CultureInfo.GetCultureInfo("fr"), true, false)!;
        var words = new List<(string, string)>();
        foreach (System.Collections.DictionaryEntry e in neutral)
        {
            var key = (string)e.Key;
            var en = (string)e.Value!;
            var fr = french.GetString(key);
            Assert.False(fr is null, $"{key} has no French");
            if (fr == en)
                continue;
            foreach (var piece in Regex.Split(en, @"\{\d+\}"))
            {
                var word = piece.Trim().Trim('(', ')', ':', ',', '.', ';', ' ');
                if (word.Count(char.IsLetter) >= 4 && !fr!.Contains(word, StringComparison.Ordinal))
                    words.Add((key, word));
            }
        }
        return words;
    }

    /// <summary>What the scenario's people wrote (the Kidal claim over the API, the evidence titles): not the console's words.</summary>
    private static List<string> DomainTexts()
    {
        var texts = new List<string>(ConsoleScenario.DomainTexts);
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o: foreach (var (_, v) in o) Walk(v); break;
                case JsonArray a: foreach (var v in a) Walk(v); break;
                case JsonValue v when v.TryGetValue<string>(out var s) && s.Length > 3: texts.Add(s); break;
            }
        }
        Walk(Kidal.Claim());
        return [.. texts.OrderByDescending(t => t.Length)];
    }
}
