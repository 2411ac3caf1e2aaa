using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Infrastructure.Http;
using Verification.Domain.Common;
using Verification.Domain.Partners;
using Verification.Persistence;

namespace Verification.Api.Features.Partners;

/// <summary>What a partner says about a subscription: where, which events, which claims.</summary>
public interface IWebhookSettings
{
    string? Url { get; }
    IReadOnlyList<string>? Events { get; }
    WebhookFilter? Filter { get; }
}

/// <summary>The settings of an existing subscription, as a change is merged onto them.</summary>
public sealed record WebhookSettings(string? Url, IReadOnlyList<string>? Events, WebhookFilter? Filter) : IWebhookSettings;

/// <summary>The rules a subscription's settings meet, when it is created and each time it is changed.</summary>
public sealed class WebhookSettingsRules<T> : AbstractValidator<T>
    where T : IWebhookSettings
{
    public WebhookSettingsRules(WebhookAddressPolicy addresses)
    {
        RuleFor(c => c.Url).NotEmpty().MaximumLength(WebhookSubscription.UrlMaxLength).DependentRules(() =>
            RuleFor(c => c.Url).CustomAsync(async (url, context, ct) =>
            {
                if (await addresses.RefusalOfUrlAsync(url, ct) is { } refusal)
                    context.AddFailure(refusal);
            }));
        RuleFor(c => c.Events).NotEmpty().WithMessage("Subscribe to at least one event.");
        RuleForEach(c => c.Events).Must(e => WebhookEvents.All.Contains(e))
            .WithMessage($"Events are {string.Join(", ", WebhookEvents.All)}.");
        RuleFor(c => c.Filter!.CountryCodes).Must(c => c is null || c.Count <= WebhookFilter.MaxCountries)
            .WithMessage($"At most {WebhookFilter.MaxCountries} countries.").When(c => c.Filter is not null);
        RuleForEach(c => c.Filter!.ViolationTypes).IsInEnum().When(c => c.Filter is not null);
    }
}

/// <summary>The two limits on a partner's subscriptions, checked with the partner's row locked so two at once cannot both pass.</summary>
internal static class WebhookLimits
{
    public static async Task EnsureAllowedAsync(VerificationDb db, Guid partnerId, string url, Guid? changing, bool adding, CancellationToken ct)
    {
        // A no-op update takes the partner's row lock (PostgreSQL, SQL Server) until commit, so concurrent subscriptions of
        // one partner are counted one after the other; SQLite lets one writer in at a time anyway.
        await db.Partners.Where(p => p.Id == partnerId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Name, p => p.Name), ct);
        var active = await db.WebhookSubscriptions.Where(s => s.PartnerId == partnerId && s.RemovedAt == null && s.Id != changing)
            .Select(s => s.Url).ToListAsync(ct);
        var trimmed = url.Trim();
        if (active.Contains(trimmed, StringComparer.Ordinal))
            throw new AlreadyExists("Webhook url in use", "You already have a subscription for this url: change its events or filter instead.");
        if (adding && active.Count >= WebhookSubscription.MaxPerPartner)
            throw new RuleNotSatisfied("Too many webhooks",
                $"A partner has at most {WebhookSubscription.MaxPerPartner} webhook subscriptions; delete one before adding another.");
    }
}
