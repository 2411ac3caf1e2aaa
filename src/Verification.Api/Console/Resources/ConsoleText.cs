namespace Verification.Api.WebConsole;

/// <summary>The console's words in English (ConsoleText.resx) and French (ConsoleText.fr.resx), read through IStringLocalizer.</summary>
public sealed class ConsoleText;
