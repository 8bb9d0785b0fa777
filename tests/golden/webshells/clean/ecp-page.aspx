<%@ Page Language="C#" MasterPageFile="~/Customize/Admin.Master" AutoEventWireup="true" CodeBehind="Mailboxes.aspx.cs" Inherits="Microsoft.Exchange.Management.ControlPanel.Reporting.Mailboxes" %>
<%@ Register TagPrefix="ecp" Namespace="Microsoft.Exchange.Management.ControlPanel.WebControls" Assembly="Microsoft.Exchange.Management.ControlPanel" %>
<asp:Content ID="c1" ContentPlaceHolderID="ResultPanePlaceHolder" runat="server">
  <ecp:ListView ID="listView" runat="server" SearchBarID="s" ServiceUrl="DDI/DDIService.svc?schema=Mailboxes" />
</asp:Content>
