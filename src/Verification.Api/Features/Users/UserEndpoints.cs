using Microsoft.AspNetCore.Http.HttpResults;
using Mediator;
using Verification.Api.Infrastructure.Http;
using Verification.Api.Infrastructure.Security;

namespace Verification.Api.Features.Users;

public static class UserEndpoints
{
    public sealed record CreateUserRequest(string Email, string Password, IReadOnlyList<string> Roles);
    public sealed record SetRolesRequest(IReadOnlyList<string> Roles);

    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/users").WithTag("Users", "Staff accounts and their roles, managed by coordinators.").RequireAuthorization(Policies.Coordinator);
        group.MapPost("/", Create).WithSummary("Create a staff account (Coordinator).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", List).WithSummary("List staff accounts (Coordinator).");
        group.MapPut("/{id:guid}/roles", SetRoles).WithSummary("Replace a user's roles (Coordinator).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/password-reset", ResetPassword)
            .WithSummary("Give an account a temporary password, shown once; it must be changed at the next sign-in (Coordinator).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/deactivate", Deactivate)
            .WithSummary("Deactivate an account: its tokens and sign-ins are refused at once; history keeps its name (Coordinator).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/reactivate", Reactivate).WithSummary("Let a deactivated account sign in again (Coordinator).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Created<UserResponse>> Create(CreateUserRequest body, ISender sender, CancellationToken ct)
    {
        var result = await sender.Send(new CreateUser.Command(body.Email, body.Password, body.Roles ?? []), ct);
        return TypedResults.Created($"/api/v1/users/{result.User.Id}", result.User);
    }

    private static async Task<Ok<Page<UserResponse>>> List(ISender sender, CancellationToken ct, int? limit, string? cursor) =>
        TypedResults.Ok(await sender.Send(new ListUsers.Query(limit ?? Paging.DefaultLimit, cursor), ct));

    public sealed record TemporaryPasswordResponse(string TemporaryPassword);

    private static async Task<Ok<TemporaryPasswordResponse>> ResetPassword(Guid id, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(new TemporaryPasswordResponse((await sender.Send(new Users.ResetPassword.Command(id), ct)).TemporaryPassword));

    private static async Task<Ok<UserResponse>> Deactivate(Guid id, ISender sender, CancellationToken ct) =>
        TypedResults.Ok((await sender.Send(new DeactivateUser.Command(id), ct)).User);

    private static async Task<Ok<UserResponse>> Reactivate(Guid id, ISender sender, CancellationToken ct) =>
        TypedResults.Ok((await sender.Send(new ReactivateUser.Command(id), ct)).User);

    private static async Task<Ok<UserResponse>> SetRoles(Guid id, SetRolesRequest body, ISender sender, CancellationToken ct) =>
        TypedResults.Ok((await sender.Send(new SetUserRoles.Command(id, body.Roles ?? []), ct)).User);
}
