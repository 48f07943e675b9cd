using FluentValidation;

namespace TypedIo.Samples.Chat;

/// <summary>A message has a room and 1 to <see cref="MaxLength"/> characters of text.</summary>
public sealed class SendMessageValidator : AbstractValidator<SendMessage>
{
    /// <summary>The longest message.</summary>
    public const int MaxLength = 280;

    /// <summary>The rules.</summary>
    public SendMessageValidator()
    {
        RuleFor(m => m.Room).NotEmpty();
        RuleFor(m => m.Text).NotEmpty().MaximumLength(MaxLength)
            .WithMessage($"A message has at most {MaxLength} characters.");
    }
}
