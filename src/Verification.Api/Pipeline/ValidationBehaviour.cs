using FluentValidation;
using Mediator;

namespace Verification.Api.Pipeline;

/// <summary>
/// Runs every FluentValidation validator of a message before its handler. It runs here, once, so a command sent
/// by a background job is checked exactly like one that came over HTTP.
/// </summary>
public sealed class ValidationBehaviour<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    // The container hands an array; most queries (read one claim, a page) have no validator at all, and then this
    // behaviour costs a type check: no list, no state machine.
    private readonly IValidator<TMessage>[] _validators = validators as IValidator<TMessage>[] ?? [.. validators];

    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken) =>
        _validators.Length == 0 ? next(message, cancellationToken) : ValidateThenHandleAsync(message, next, cancellationToken);

    private async ValueTask<TResponse> ValidateThenHandleAsync(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        List<FluentValidation.Results.ValidationFailure>? failures = null;
        foreach (var validator in _validators)
        {
            var result = await validator.ValidateAsync(message, cancellationToken);
            if (result.Errors.Count > 0)
                (failures ??= []).AddRange(result.Errors);
        }
        if (failures is not null)
            throw new ValidationException(failures);
        return await next(message, cancellationToken);
    }
}
