using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Verification.Api.Pipeline;
using Verification.Domain.Claims;
using Verification.Domain.Common;
using Verification.Persistence;

namespace Verification.Api.Features.Claims;

/// <summary>
/// Triages many claims with one decision, as a reviewer does after an import. Each claim is one
/// <see cref="TriageClaim"/> sent through the whole pipeline: its own authorization check, its own transaction and its
/// own audit entry, so one stale or already-triaged claim never rolls back, or blocks, the others. The request as a
/// whole is therefore not one transaction (<see cref="IOwnsTransactions"/>) and adds no audit entry of its own.
/// </summary>
public static class BulkTriage
{
    public const int MaxItems = 500;

    public sealed record Item(Guid? Id, long? Version);

    public sealed record Command(TriageDecision? Decision, string? Reason, IReadOnlyList<Item>? Items) : ICommand<Result>, IOwnsTransactions;

    public sealed record Result(IReadOnlyList<ItemResult> Results);

    /// <summary>
    /// <see cref="Status"/> is what the single triage would have answered: 200 (moved; <see cref="Version"/> is the new
    /// one), 404 (absent, or not the caller's to see), 409 (the workflow forbids it) or 412 (<see cref="Version"/> is
    /// the current one).
    /// </summary>
    public sealed record ItemResult(Guid Id, int Status, long? Version, string? Detail);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Decision).NotNull().IsInEnum();
            RuleFor(c => c.Reason).MaximumLength(2000);
            RuleFor(c => c.Reason).NotEmpty().When(c => c.Decision == TriageDecision.Reject)
                .WithMessage("A rejection needs a reason: out of scope, or a duplicate of which claim.");
            RuleFor(c => c.Items).NotEmpty().WithMessage("Name at least one claim.")
                .Must(i => i is null || i.Count <= MaxItems).WithMessage($"At most {MaxItems} claims in one request.")
                .Must(i => i is null || i.Where(x => x?.Id is not null).Select(x => x.Id).Distinct().Count() == i.Count(x => x?.Id is not null))
                .WithMessage("Each claim appears once.");
            RuleForEach(c => c.Items).NotNull().ChildRules(i =>
            {
                i.RuleFor(x => x.Id).NotNull();
                i.RuleFor(x => x.Version).NotNull().WithMessage("Each claim carries the version it was read at.").GreaterThan(0);
            });
        }
    }

    internal sealed class Handler(VerificationDb db, ISender sender) : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken cancellationToken)
        {
            var results = new List<ItemResult>(command.Items!.Count);
            foreach (var item in command.Items)
            {
                var id = item.Id!.Value;
                try
                {
                    var claim = await sender.Send(new TriageClaim.Command(id, item.Version, command.Decision, command.Reason, null), cancellationToken);
                    results.Add(new ItemResult(id, StatusCodes.Status200OK, claim.Version, null));
                }
                catch (NotFound e)
                {
                    results.Add(new ItemResult(id, StatusCodes.Status404NotFound, null, e.Message));
                }
                catch (StaleVersion e)
                {
                    results.Add(new ItemResult(id, StatusCodes.Status412PreconditionFailed, e.Current, e.Message));
                }
                catch (DbUpdateConcurrencyException)
                {
                    results.Add(new ItemResult(id, StatusCodes.Status412PreconditionFailed, null, "Someone changed this claim at the same moment; read it again."));
                }
                catch (DomainException e)
                {
                    results.Add(new ItemResult(id, StatusCodes.Status409Conflict, null, e.Message));
                }
                catch (DbUpdateException)
                {
                    results.Add(new ItemResult(id, StatusCodes.Status409Conflict, null, "The change conflicts with data written at the same moment; read again and retry."));
                }
                finally
                {
                    // The next claim starts from a clean context: nothing of a rolled-back one may ride along.
                    db.ChangeTracker.Clear();
                }
            }
            return new Result(results);
        }
    }
}
