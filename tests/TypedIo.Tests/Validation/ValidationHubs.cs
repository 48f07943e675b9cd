using FluentValidation;
using TypedIo.Tests.SocketIo;

namespace TypedIo.Tests.Validation;

public sealed record Address(string Street, string City);

public sealed record OrderLine(string Sku, int Quantity);

public sealed record Order(string Customer, Address Address, IReadOnlyList<OrderLine> Lines);

public sealed record Signup(string Email);

/// <summary>JSON names that are not the naming policy's, nested in collections and dictionaries.</summary>
public sealed record Destination([property: System.Text.Json.Serialization.JsonPropertyName("zip_code")] string PostalCode, string CityName);

public sealed record Parcel(string Label, IReadOnlyList<Destination> Stops);

public sealed record Shipment(
    [property: System.Text.Json.Serialization.JsonPropertyName("parcels_list")] IReadOnlyList<Parcel> Parcels,
    Dictionary<string, Destination> Depots);

public interface IShopEvents
{
    Task<string> PlaceOrder(Order order);

    Task SubmitOrder(Order order);

    Task<string> Signup(Signup signup);

    Task<int> Move(OrderLine from, OrderLine to);

    Task<string> Echo(string text);

    Task<string> Ship(Shipment shipment);

    Task<int> Count(string[] names, List<string?> maybe, Dictionary<string, int[]> scores);
}

public interface IShopClient
{
    Task Placed(string id);
}

/// <summary>What reached the handlers.</summary>
internal sealed class ShopProbe
{
    public Recorder<string> Handled { get; } = new();
}

[SocketHub("/shop")]
internal sealed partial class ShopHub(ShopProbe probe) : SocketHub<IShopClient>, IShopEvents
{
    public Task<string> PlaceOrder(Order order)
    {
        probe.Handled.Add("placeOrder:" + order.Customer);
        return Task.FromResult("order-1");
    }

    public Task SubmitOrder(Order order)
    {
        probe.Handled.Add("submitOrder:" + order.Customer);
        return Task.CompletedTask;
    }

    public Task<string> Signup(Signup signup)
    {
        probe.Handled.Add("signup:" + signup.Email);
        return Task.FromResult("welcome");
    }

    public Task<int> Move(OrderLine from, OrderLine to)
    {
        probe.Handled.Add("move");
        return Task.FromResult(from.Quantity + to.Quantity);
    }

    public Task<string> Echo(string text) => Task.FromResult(text);

    public Task<string> Ship(Shipment shipment) => Task.FromResult("shipped");

    public Task<int> Count(string[] names, List<string?> maybe, Dictionary<string, int[]> scores)
    {
        probe.Handled.Add("count");
        return Task.FromResult(names.Length + maybe.Count + scores.Count);
    }
}

public sealed class DestinationValidator : AbstractValidator<Destination>
{
    public DestinationValidator()
    {
        RuleFor(d => d.PostalCode).Length(5);
        RuleFor(d => d.CityName).NotEmpty();
    }
}

public sealed class ShipmentValidator : AbstractValidator<Shipment>
{
    public ShipmentValidator()
    {
        RuleForEach(s => s.Parcels).ChildRules(parcel => parcel.RuleForEach(p => p.Stops).SetValidator(new DestinationValidator()));
        RuleForEach(s => s.Depots).ChildRules(depot => depot.RuleFor(d => d.Value).SetValidator(new DestinationValidator()));
    }
}

public sealed class AddressValidator : AbstractValidator<Address>
{
    public AddressValidator()
    {
        RuleFor(a => a.City).NotEmpty();
    }
}

public sealed class OrderLineValidator : AbstractValidator<OrderLine>
{
    public OrderLineValidator()
    {
        RuleFor(l => l.Sku).NotEmpty();
        RuleFor(l => l.Quantity).GreaterThan(0);
    }
}

public sealed class OrderValidator : AbstractValidator<Order>
{
    public OrderValidator()
    {
        RuleFor(o => o.Customer).NotEmpty();
        RuleFor(o => o.Address).SetValidator(new AddressValidator());
        RuleFor(o => o.Lines).NotEmpty();
        RuleForEach(o => o.Lines).SetValidator(new OrderLineValidator());
    }
}

/// <summary>An async rule against a scoped service: the validator comes from the socket's scope.</summary>
public sealed class SignupValidator : AbstractValidator<Signup>
{
    public SignupValidator(TakenEmails taken)
    {
        RuleFor(s => s.Email).EmailAddress();
        RuleFor(s => s.Email).MustAsync(async (email, cancellationToken) =>
        {
            await Task.Yield();
            return !await taken.ContainsAsync(email, cancellationToken);
        }).WithMessage("This email is already registered.");
    }
}

public sealed class TakenEmails
{
    public async Task<bool> ContainsAsync(string email, CancellationToken cancellationToken)
    {
        await Task.Delay(1, cancellationToken);
        return email == "taken@example.com";
    }
}
