var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton<ChatHistory>();
builder.Services.AddTypedIo().AddSocketHub<ChatHub>();

var app = builder.Build();
app.MapTypedIo();
app.MapGet("/", () => "TypedIo is running: the hub is at /chat. Run the client: cd client && npm install && npm start");
app.Run();
